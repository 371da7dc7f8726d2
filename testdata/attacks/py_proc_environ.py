# attack: reads the environment and command line of every process it can see
# expect: COMPLETED
# lacks: $SECRET
# lacks: DATABASE_URL
# has: pids [1, 2]
import os
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print("pids", pids)
for p in ["1", "self", "thread-self"] + [str(p) for p in pids]:
    for what in ["environ", "cmdline"]:
        try:
            with open(f"/proc/{p}/{what}", "rb") as f:
                print(p, what, f.read())
        except OSError as e:
            print(p, what, type(e).__name__)
