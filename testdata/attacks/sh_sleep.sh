# attack: sleeps forever in a child process
# expect: TIMEOUT/time_limit
# limits: time=1000
# max-wall-ms: 6000
sleep 1000
