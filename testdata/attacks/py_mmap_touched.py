# attack: maps 1 GiB and touches every page
# expect: FAILED/memory_limit
# limits: memory=64
import mmap
m = mmap.mmap(-1, 1 << 30)
for i in range(0, len(m), 4096):
    m[i] = 1
print("touched everything")
