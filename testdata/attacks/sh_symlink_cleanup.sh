# attack: plants symlinks, FIFOs and hard links for the host's cleanup to follow
# expect: COMPLETED
# lacks: $SECRET
# has: planted
ln -s / /work/hostroot
ln -s /etc/passwd /work/passwd
ln -s "$2" /work/db
ln -s /work /tmp/loop
mkfifo /work/fifo /tmp/fifo
ln /work/main.sh /work/main-hardlink
ln /etc/ld.so.cache /work/cache-hardlink 2>/dev/null || echo "cross-device hard link refused"
chmod 000 /work
cat /work/db 2>&1
echo planted
