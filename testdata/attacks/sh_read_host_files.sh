# attack: looks around the host's file system
# expect: COMPLETED
# lacks: root:
# lacks: $SECRET
# has: etc: alternatives ld.so.cache ld.so.conf ld.so.conf.d localtime mime.types ssl
cat /etc/shadow /etc/passwd /etc/sudoers /root/.profile "$2" 2>&1
echo "etc:" $(ls /etc)
ls / /home /root /var /srv /opt 2>&1
find / -xdev -name '*.db' 2>/dev/null
