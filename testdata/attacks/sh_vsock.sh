# attack: listens on a vsock port and connects to the hypervisor (CID 2) with socat; a unix socket and loopback TCP still work
# expect: COMPLETED
# stdout: "vsock listen refused\nvsock connect refused\nunix ok\ntcp ok\n"
# lacks: OPENED
try() { if out=$(timeout 2 socat -u "$2" - 2>&1); then echo "$1 OPENED"; else case $out in *"not supported"*) echo "$1 refused" ;; *) echo "$1: $out" ;; esac; fi; }
try "vsock listen" VSOCK-LISTEN:7173
try "vsock connect" VSOCK-CONNECT:2:22
# The listener is up when a connect succeeds: retry until it does (a slow host only takes longer).
send() { for _ in $(seq 100); do echo ping | socat -u - "$1" 2>/dev/null && return; sleep 0.1; done; }
timeout 20 socat -u UNIX-LISTEN:/tmp/s.sock - > /tmp/unix.out &
send UNIX-CONNECT:/tmp/s.sock; wait
[ "$(cat /tmp/unix.out)" = ping ] && echo "unix ok" || echo "unix broken"
timeout 20 socat -u TCP-LISTEN:7174,bind=127.0.0.1 - > /tmp/tcp.out &
send TCP:127.0.0.1:7174; wait
[ "$(cat /tmp/tcp.out)" = ping ] && echo "tcp ok" || echo "tcp broken"
