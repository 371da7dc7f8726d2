# attack: stops itself with SIGSTOP: the run must still end at the time limit
# expect: TIMEOUT/time_limit
# limits: time=1000
# max-wall-ms: 6000
import os, signal
print("stopping", flush=True)
os.kill(os.getpid(), signal.SIGSTOP)
print("resumed")
