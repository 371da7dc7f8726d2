# attack: lifts the recursion limit and recurses through C code until the C stack overflows
# expect: FAILED/signal
# signal: SIGSEGV
import sys
sys.setrecursionlimit(10**9)
def f(x):
    return list(map(f, [x]))
f(0)
