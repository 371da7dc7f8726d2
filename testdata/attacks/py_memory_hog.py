# attack: memory hog: allocates and touches memory until killed
# expect: FAILED/memory_limit
# limits: memory=64 time=5000
chunks = []
while True:
    chunks.append(bytearray(16 << 20))
