# attack: reads the service's database: the configured path, ./data/livecode.db and guesses
# expect: COMPLETED
# lacks: $SECRET
# has: ./data/livecode.db FileNotFoundError
import sys
paths = [sys.argv[2], "./data/livecode.db", "../data/livecode.db", "/data/livecode.db",
         "/work/main/data/livecode.db", "/proc/1/cwd/data/livecode.db", "/proc/self/root" + sys.argv[2]]
for p in paths:
    try:
        with open(p, "rb") as f:
            print(p, "READ", f.read(200))
    except OSError as e:
        print(p, type(e).__name__)
