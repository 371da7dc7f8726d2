# attack: the classic shell fork bomb; the first shell stops once bash reports a refused fork
# expect: FAILED/process_limit
# limits: procs=32
mkfifo /tmp/tick && exec 3<>/tmp/tick # `read -t` on it sleeps without a fork
:(){ :|:& };: 2>/tmp/refused
until [[ -s /tmp/refused ]]; do read -t 0.05 -u 3; done
