// attack: stops itself with SIGSTOP
// expect: TIMEOUT/time_limit
// limits: time=1000
// max-wall-ms: 6000
process.kill(process.pid, 'SIGSTOP');
