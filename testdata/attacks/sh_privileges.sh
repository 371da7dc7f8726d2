# attack: checks what privileges it holds: capabilities, no_new_privs, seccomp, uid, rlimits
# expect: COMPLETED
# has: NoNewPrivs:	1
# has: CapEff:	0000000000000000
# has: CapBnd:	0000000000000000
# has: Seccomp:	2
# has: uid 0 gid 0
# has: core 0 files 256 fsize 16384
grep -E '^(NoNewPrivs|Seccomp|CapEff|CapBnd|CapPrm):' /proc/self/status
echo "uid $(id -u | grep -c '^0$') gid $(id -g | grep -c '^0$')"
echo "core $(ulimit -c) files $(ulimit -n) fsize $(ulimit -f)"
