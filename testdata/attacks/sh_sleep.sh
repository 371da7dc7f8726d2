# attack: sleeps forever in a child process
# expect: TIMEOUT/time_limit
# limits: time=1000
# max-wall-ms: 2500
sleep 1000
