# attack: looks for the host in /proc: the run's cgroup path, the mount table, pid 1's command line and environment
# expect: COMPLETED
# has: cgroup read
# lacks: /sys/fs/cgroup
# lacks: --ro-bind
# lacks: --seccomp
# lacks: --json-status-fd
# lacks: --block-fd
# lacks: livecode-sandbox
# lacks: $SECRET
import os
for p in ["/proc/self/cgroup", "/proc/1/cmdline", "/proc/1/environ", "/proc/self/mountinfo", "/proc/self/mounts"]:
    try:
        with open(p, "rb") as f:
            print(p.split("/")[-1], "read", f.read().replace(b"\0", b" ").decode(errors="replace"))
    except OSError as e:
        print(p, e)
