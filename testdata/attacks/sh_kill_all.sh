# attack: kill -9 -1: signals every process it may, which must be only its own
# expect: COMPLETED
# has: survived
sleep 1000 &
kill -9 -1
echo survived
