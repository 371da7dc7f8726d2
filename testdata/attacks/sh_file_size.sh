# attack: writes one file past the file-size limit (RLIMIT_FSIZE): dd dies of SIGXFSZ
# expect: FAILED/file_size_limit
# signal: SIGXFSZ
# limits: memory=256
exec dd if=/dev/zero of=/work/big bs=1M count=60 status=none
