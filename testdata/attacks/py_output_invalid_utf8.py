# attack: floods stdout with bytes that are not UTF-8 (and NULs)
# expect: FAILED/output_limit
# limits: output=65536
# output-bytes: 65536
import sys
out = sys.stdout.buffer
while True:
    out.write(b"\xff\xfe\x00\xc3\x28" * 4096)
