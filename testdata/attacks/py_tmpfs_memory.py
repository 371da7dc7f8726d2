# attack: hides memory in the tmpfs (pages the program's memory limit must still see)
# expect: FAILED/memory_limit
# limits: memory=32
block = b"x" * (1 << 20)
for i in range(1000):
    with open(f"/tmp/hide{i}", "wb") as f:
        for _ in range(4):
            f.write(block)
print("hid more than the memory limit")
