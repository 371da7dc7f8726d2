# attack: lists /proc/self/fd for descriptors the service inherited and reads what they hold
# expect: COMPLETED
# stdout: "open: none\n"
# lacks: $SECRET
import os
found = []
for fd in range(3, 1024):
    try:
        os.fstat(fd)
    except OSError:
        continue
    target = os.readlink(f"/proc/self/fd/{fd}")
    try:
        data = os.pread(fd, 200, 0)
    except OSError as e:
        data = str(e)
    found.append(f"{fd} -> {target}: {data!r}")
print("open:", "; ".join(found) or "none")
