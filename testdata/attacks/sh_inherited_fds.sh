# attack: looks for descriptors the service inherited from bash, which can read, write and redirect any open number
# expect: COMPLETED
# stdout: "open: none\n"
# The listing goes to a file: a glob or a command substitution would open descriptors of bash's own.
ls /proc/$$/fd > /tmp/fds
open=
while read -r n; do
  [ "$n" -gt 2 ] && [ "$n" != 255 ] && open="$open $n"  # 255: bash's own copy of the script
done < /tmp/fds
echo "open:${open:- none}"
