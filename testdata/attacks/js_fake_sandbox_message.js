// attack: prints sandbox-like failures (bubblewrap, runsc, a JSON status with exit code 0) on stderr and exits 1
// expect: FAILED/exit_nonzero
// exit: 1
// stderr-has: bwrap: Can't find source path /usr/lib64
// stderr-has: {"exit-code": 0}
process.stderr.write('bwrap: Can\'t find source path /usr/lib64: No such file or directory\n');
process.stderr.write('runsc: sandbox failed to start\n{"child-pid": 3}\n{"exit-code": 0}\n');
process.exitCode = 1;
