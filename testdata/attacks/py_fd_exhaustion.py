# attack: opens descriptors until none are left
# expect: COMPLETED
# has: EMFILE
import errno, os
fds = []
try:
    while True:
        fds.append(os.open("/dev/null", os.O_RDONLY))
except OSError as e:
    print(errno.errorcode[e.errno], "after", len(fds))
