# attack: fills the work dir with files below the file-size limit until the disk is full
# expect: COMPLETED
# limits: memory=256
# has: disk full at
for i in $(seq 1 100); do
  dd if=/dev/zero of="/work/fill$i" bs=8M count=1 2>/dev/null || { echo "disk full at file $i"; break; }
done
