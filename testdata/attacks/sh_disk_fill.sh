# attack: fills the work dir with files below the file-size limit until the disk is full
# expect: COMPLETED
# limits: memory=256 time=5000
# has: disk full at
for i in $(seq 1 100); do
  head -c 8M /dev/zero > "/work/fill$i" 2>/dev/null || { echo "disk full at file $i"; break; }
done
