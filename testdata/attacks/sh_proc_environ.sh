# attack: dumps the environment of every visible process, the host's init included
# expect: COMPLETED
# lacks: $SECRET
# lacks: DATABASE_URL
for f in /proc/1/environ /proc/*/environ; do
  echo "== $f"; tr '\0' '\n' < "$f"
done 2>&1
