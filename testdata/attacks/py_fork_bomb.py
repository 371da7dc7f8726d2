# attack: fork bomb: every process forks forever, ignoring failures; only the first stops once refused
# expect: FAILED/process_limit
# limits: procs=16
import os
root = os.getpid()
while True:
    try:
        os.fork()
    except OSError:
        if os.getpid() == root:
            break  # the limit refused a fork: the rest of the bomb must die with the run
