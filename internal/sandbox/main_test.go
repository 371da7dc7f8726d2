// Test entry point: the test binary doubles as the sandbox init, as livecode's binary does.
package sandbox_test

import (
	"os"
	"testing"

	"livecode/internal/sandbox"
)

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == sandbox.InitArg {
		os.Exit(sandbox.InitMain(os.Args[2:]))
	}
	os.Exit(m.Run())
}
