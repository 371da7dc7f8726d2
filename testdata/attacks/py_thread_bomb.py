# attack: thread bomb: threads count against the process limit too
# expect: FAILED/process_limit
# limits: procs=16
import threading, time
while True:
    threading.Thread(target=time.sleep, args=(100,), daemon=True).start()
