// The kernel's bounds on a program's arguments, checked before a run starts.

package sandbox

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// The kernel's execve bounds (fs/exec.c): each string, its NUL included, at most
// MAX_ARG_STRLEN; all strings and their pointers within a quarter of the stack rlimit, capped
// at 6 MiB and at least ARG_MAX.
const (
	maxArgStrlen  = 32 * 4096
	minArgSpace   = 128 << 10
	maxArgSpace   = 6 << 20
	execvSlackLen = 4096 // the file name and bubblewrap's own few arguments
)

// checkArgv returns an error wrapping ErrSpec when argv and env cannot be passed to a program
// by the host's exec of the sandbox (its stack rlimit) or the sandbox's exec of the program
// (stackBytes): such a run could never start.
func checkArgv(argv, env []string, stackBytes int64) error {
	total := execvSlackLen
	for _, list := range [][]string{argv, env} {
		for i, a := range list {
			if strings.IndexByte(a, 0) >= 0 {
				return fmt.Errorf("%w: argument %d holds a NUL byte", ErrSpec, i)
			}
			if len(a)+1 > maxArgStrlen {
				return fmt.Errorf("%w: argument %d is %d bytes, over the kernel's %d", ErrSpec, i, len(a), maxArgStrlen-1)
			}
			total += len(a) + 1 + 8
		}
	}
	space := argSpace(uint64(stackBytes))
	var host unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_STACK, &host); err == nil {
		space = min(space, argSpace(host.Cur))
	}
	if total > space {
		return fmt.Errorf("%w: the arguments take %d bytes, over the kernel's %d", ErrSpec, total, space)
	}
	return nil
}

// argSpace is the room for exec's strings and pointers under a stack rlimit.
func argSpace(stack uint64) int {
	return int(max(min(stack/4, maxArgSpace), minArgSpace))
}
