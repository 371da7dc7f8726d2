// Program arguments: the bounds a run's args must keep so that they can always be passed on.

package api

import (
	"fmt"
	"strings"
)

// argBounds are the limits on a run's arguments (MAX_ARGS, MAX_ARG_BYTES, MAX_ARGS_BYTES).
type argBounds struct {
	count, each, total int
}

func (c Config) argBounds() argBounds {
	return argBounds{count: c.MaxArgs, each: c.MaxArgBytes, total: c.MaxArgsBytes}
}

// checkArgs refuses program arguments that cannot be passed to a process, or that are past their
// bounds: too many or one too long is a 422 (naming body.args or body.args[i]), too many bytes
// together a 413 naming body.args.
func checkArgs(args []string, b argBounds) error {
	if len(args) > b.count {
		return unprocessable("body.args", "at most %d arguments (MAX_ARGS), not %d", b.count, len(args))
	}
	total := 0
	for i, a := range args {
		field := fmt.Sprintf("body.args[%d]", i)
		switch {
		case strings.IndexByte(a, 0) >= 0:
			return unprocessable(field, "program arguments cannot contain NUL bytes")
		case len(a) > b.each:
			return unprocessable(field, "an argument may be at most %d bytes (MAX_ARG_BYTES), not %d", b.each, len(a))
		}
		if total += len(a); total > b.total {
			return tooLarge("body.args", b.total)
		}
	}
	return nil
}
