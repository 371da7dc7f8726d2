# attack: prints runsc's and bubblewrap's failure messages and their JSON status lines on both streams, then exits 1
# expect: FAILED/exit_nonzero
# exit: 1
# stderr-has: runsc: error running container: starting container
# stderr-has: {"child-pid": 2}
# has: {"exit-code": 0}
import sys
print('{"child-pid": 2}\n{"exit-code": 0}', flush=True)
sys.stderr.write('runsc: error running container: starting container: starting root container: urpc method "containerManager.StartRoot" failed: EOF\n')
sys.stderr.write('{"child-pid": 2}\n{"exit-code": 0}\nbwrap: Failed to make / slave: Permission denied\n')
sys.exit(1)
