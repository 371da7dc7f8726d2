// attack: spins on the CPU forever
// expect: TIMEOUT/time_limit
// limits: time=1000
// max-wall-ms: 6000
for (;;) {}
