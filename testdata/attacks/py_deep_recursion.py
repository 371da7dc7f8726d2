# attack: unbounded recursion within the interpreter's default recursion limit
# expect: FAILED/exit_nonzero
# exit: 1
# stderr-has: RecursionError
def f(n):
    return f(n + 1)
f(0)
