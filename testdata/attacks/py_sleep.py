# attack: sleeps forever: uses no CPU but holds a slot
# expect: TIMEOUT/time_limit
# limits: time=1000
# max-wall-ms: 6000
import time
time.sleep(1000)
