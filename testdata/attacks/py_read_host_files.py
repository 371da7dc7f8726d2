# attack: reads the host's secrets and configuration
# expect: COMPLETED
# lacks: root:
# lacks: $SECRET
# has: /etc/shadow FileNotFoundError
paths = ["/etc/shadow", "/etc/passwd", "/etc/hostname", "/root/.bash_history", "/root/.ssh/id_rsa",
         "/etc/ssh/ssh_host_ed25519_key", "/var/log/syslog", "/proc/1/root/etc/shadow",
         "/proc/1/cwd/data/livecode.db", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
for p in paths:
    try:
        with open(p, "rb") as f:
            print(p, "READ", f.read(200))
    except OSError as e:
        print(p, type(e).__name__)
