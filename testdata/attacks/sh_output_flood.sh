# attack: floods stdout as fast as possible
# expect: FAILED/output_limit
# limits: output=65536
# output-bytes: 65536
yes flood
