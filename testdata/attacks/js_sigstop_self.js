// attack: stops itself with SIGSTOP
// expect: TIMEOUT/time_limit
// limits: time=1000
// max-wall-ms: 2500
process.kill(process.pid, 'SIGSTOP');
