# attack: prints bubblewrap's setup failure, then dies by a signal as if the sandbox had been killed
# expect: FAILED/signal
# signal: SIGKILL
# stderr-has: bwrap: Creating new namespace failed
echo "bwrap: Creating new namespace failed: Resource temporarily unavailable" >&2
kill -9 $$
