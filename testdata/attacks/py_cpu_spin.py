# attack: spins on the CPU forever
# expect: TIMEOUT/time_limit
# limits: time=1000
# max-wall-ms: 2500
while True:
    pass
