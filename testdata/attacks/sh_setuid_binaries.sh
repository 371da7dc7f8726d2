# attack: runs the host's setuid-root binaries to gain root
# expect: COMPLETED
# lacks: PWNED-0
# has: euid-
echo root | su -c 'echo PWNED-$(id -u)' root 2>&1
mount -t tmpfs none /tmp 2>&1; echo "mount: $?"
umount /work 2>&1; echo "umount: $?"
newgrp root 2>&1 </dev/null
echo "euid-$(id -u)"
