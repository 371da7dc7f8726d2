# attack: fills /tmp (a tmpfs) with files below the file-size limit until the tmpfs is full
# expect: COMPLETED
# limits: memory=256
# has: ENOSPC
import errno
block = b"x" * (1 << 20)
n = 0
try:
    for i in range(1000):
        with open(f"/tmp/fill{i}", "wb") as f:
            for _ in range(8):
                f.write(block)
                n += 1
except OSError as e:
    print(errno.errorcode[e.errno], "after", n, "MiB")
