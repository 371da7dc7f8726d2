# attack: floods stdout with random bytes (invalid UTF-8, NULs, terminal escapes)
# expect: FAILED/output_limit
# limits: output=65536
# output-bytes: 65536
cat /dev/urandom
