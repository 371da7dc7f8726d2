# attack: prints bubblewrap's own setup failure on stderr and exits 1, to pass for a sandbox failure (retried, dead-lettered, logged at ERROR)
# expect: FAILED/exit_nonzero
# exit: 1
# stderr-has: bwrap: Can't mount proc on /newroot/proc: Operation not permitted
echo "bwrap: Can't mount proc on /newroot/proc: Operation not permitted" >&2
echo "bwrap: execvp ./prog: No such file or directory" >&2
exit 1
