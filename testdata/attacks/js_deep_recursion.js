// attack: unbounded recursion
// expect: FAILED/exit_nonzero
// exit: 1
// stderr-has: RangeError
function f(n) { return f(n + 1) + 1; }
f(0);
