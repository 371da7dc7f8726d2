# attack: memory hog: allocates and touches memory until killed
# expect: FAILED/memory_limit
# limits: memory=64
chunks = []
while True:
    chunks.append(bytearray(16 << 20))
