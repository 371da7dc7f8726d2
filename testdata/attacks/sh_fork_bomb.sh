# attack: the classic shell fork bomb
# expect: FAILED/process_limit
# limits: time=1500 procs=32
:(){ :|:& };:
sleep 5
