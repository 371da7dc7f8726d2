# attack: maps 8 GiB of anonymous memory without touching it: costs nothing, must not be charged
# expect: COMPLETED
# limits: memory=64
# stdout: "mapped 8192 MiB\n"
# max-memory-kb: 65536
import mmap
m = mmap.mmap(-1, 8 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
print("mapped", len(m) >> 20, "MiB")
