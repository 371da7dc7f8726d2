# attack: fork bomb: every process forks forever, ignoring failures
# expect: FAILED/process_limit
# limits: time=1500 procs=16
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
