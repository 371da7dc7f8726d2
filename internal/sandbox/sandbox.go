// Package sandbox runs one untrusted program in fresh namespaces under cgroup, rlimit and seccomp
// limits: under bubblewrap by default, or under gVisor's runsc (level "gvisor").
//
// A run: a fresh tmpfs work dir on the host holds the program's files; bubblewrap starts as the
// slot's uid, born inside the run's fresh cgroup (its cgroup namespace rooted there), and is held
// (--block-fd) while the host sets the rlimits of its child; released, the child applies the
// seccomp filter and execs the program. When the run ends, everything left in the cgroup is
// killed, the cgroup removed, the tmpfs detached and the run's orphans reaped. Runs and their
// cgroups are named at random below a level of this process's own (its instance), so New can
// sweep what processes that are gone left behind without touching a live one's.

package sandbox

import (
	"errors"
	"io"
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
)

// Spec is what to run and within which limits.
type Spec struct {
	Language language.Language
	Files    []execution.File // the first file is the entry point, named Language.SourceFile
	Args     []string
	Stdin    io.Reader // nil means empty stdin
	Limits   execution.Limits
	// Output, when set, receives every chunk of stdout and stderr as it is written, in order.
	// It must not block: a slow consumer must drop or buffer on its own side.
	Output func(pipe Pipe, chunk []byte)
	// Stages, when set, is told each stage of this run as it ends (the Stage* names, at most
	// one of each), with its start and end, so that a caller can trace the run after the fact.
	// It is called on Run's goroutine, except StageTeardown's, which comes from another one,
	// possibly after Run returned. It must be cheap.
	Stages func(stage string, start, end time.Time)
}

// ErrSpec is wrapped by Run's error when the spec can never run as given: an argument holding a
// NUL byte, or arguments longer than the kernel passes to a program. Running it again fails again.
var ErrSpec = errors.New("sandbox: the run cannot start as given")

// Pipe names an output pipe of the program (stdout or stderr).
type Pipe string

// The output pipes.
const (
	Stdout Pipe = "stdout"
	Stderr Pipe = "stderr"
)

// Usage is what a run consumed.
type Usage struct {
	Wall     time.Duration
	CPU      time.Duration
	MemoryKB int64 // peak, from the cgroup
}
