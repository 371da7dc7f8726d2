# attack: creates empty files until the tmpfs runs out of inodes
# expect: COMPLETED
# limits: time=120000
# (4096 creates take seconds under gVisor on a slow host, so the time limit is set far out of the way)
# has: inodes exhausted after
mkdir /tmp/many && cd /tmp/many || exit 1
i=0
while : 2>/dev/null > "f$i"; do i=$((i+1)); done
echo "inodes exhausted after $i files"
