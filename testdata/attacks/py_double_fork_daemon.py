# attack: daemonizes (double fork, setsid, closed descriptors) and keeps running after the run
# expect: COMPLETED
# stdout: "parent done\n"
# max-wall-ms: 10000
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in range(3):
            os.close(fd)
        time.sleep(1000)
    os._exit(0)
os.wait()
print("parent done")
