# attack: opens TCP connections with bash's /dev/tcp: the host's Redis, PostgreSQL, HTTP port, the internet
# expect: COMPLETED
# stdout: "127.0.0.1:6379 blocked\n127.0.0.1:5432 blocked\n127.0.0.1:http blocked\n1.1.1.1:80 blocked\n"
for target in 127.0.0.1:6379 127.0.0.1:5432 "127.0.0.1:$1" 1.1.1.1:80; do
  host=${target%:*} port=${target#*:}
  label=$target; [ "$port" = "$1" ] && label=$host:http
  if timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then echo "$label connected"; else echo "$label blocked"; fi
done
