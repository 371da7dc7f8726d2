# attack: creates empty files until the tmpfs runs out of inodes
# expect: COMPLETED
# limits: time=5000
# has: inodes exhausted after
mkdir /tmp/many && cd /tmp/many || exit 1
i=0
while : 2>/dev/null > "f$i"; do i=$((i+1)); done
echo "inodes exhausted after $i files"
