# attack: leaves background processes behind: nohup, setsid, disown, a stopped child
# expect: COMPLETED
# stdout: "left behind\n"
# max-wall-ms: 10000
nohup sleep 1000 >/dev/null 2>&1 &
setsid sleep 1000 >/dev/null 2>&1 &
sleep 1000 >/dev/null 2>&1 & disown
sleep 1000 >/dev/null 2>&1 & kill -STOP $!
echo "left behind"
