# attack: makes a setuid copy of bash in the tmpfs and runs it
# expect: COMPLETED
# lacks: euid=0
# has: euid=
cp /bin/bash /tmp/rootbash && chmod 4755 /tmp/rootbash
ls -l /tmp/rootbash | cut -c1-10
/tmp/rootbash -p -c 'echo "euid=$(id -u)"'
