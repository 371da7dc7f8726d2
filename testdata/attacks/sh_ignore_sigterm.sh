# attack: ignores every catchable signal and spins
# expect: TIMEOUT/time_limit
# limits: time=1000
# max-wall-ms: 6000
trap '' TERM INT HUP QUIT USR1 USR2
while :; do :; done
