# attack: symlinks and hard links in the work dir to host paths, left behind for the cleanup
# expect: COMPLETED
# lacks: $SECRET
# lacks: root:
# has: hardlink /usr/bin/python3 OSError
import os, sys
for name, target in [("shadow", "/etc/shadow"), ("db", sys.argv[2]), ("hostroot", "/proc/1/root"), ("up", "../..")]:
    os.symlink(target, name)
    try:
        with open(os.path.join(name, "etc/shadow") if name in ("hostroot", "up") else name, "rb") as f:
            print(name, "READ", f.read(200))
    except OSError as e:
        print(name, type(e).__name__)
for target in ["/usr/bin/python3", "/etc/ld.so.cache", sys.argv[2]]:
    try:
        os.link(target, "/work/hard-" + os.path.basename(target))
        print("hardlink", target, "made")
    except OSError as e:
        print("hardlink", target, "OSError", e.errno)
os.mkfifo("/work/fifo")
os.symlink("/etc/passwd", "/tmp/passwd")
