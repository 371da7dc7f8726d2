// Classification of a step's outcome into the execution result's status and reason.

package sandbox

import (
	"time"

	"golang.org/x/sys/unix"

	"livecode/internal/execution"
)

// classify turns what the host observed into a Result. Limits are checked in the order that
// explains the end best: output, memory, processes, wall clock, CPU, file size; then how the
// program itself ended.
//
// bubblewrap (and runsc) report a death by signal N as exit status 128+N, like a shell: the
// process that reaps the program is bubblewrap's pid 1 inside the sandbox, which passes on only
// that number. So a program that calls exit(128+N) for a valid signal N (129-192) is reported as
// killed by that signal. Telling them apart would need a reaper of ours inside the sandbox: one
// more exec per run.
func (s *Sandbox) classify(o stepOutcome, l execution.Limits) execution.Result {
	r := execution.Result{
		Stdout:          o.stdout,
		Stderr:          o.stderr,
		Output:          o.output,
		ExecutionTimeMS: ptr(o.wall.Milliseconds()),
		CPUTimeMS:       ptr(o.usage.cpu.Milliseconds()),
		MemoryKB:        ptr(o.usage.peakBytes / 1024),
	}
	code, sig := -1, unix.Signal(0)
	switch {
	case o.status.Signaled(): // bubblewrap itself was killed: the run was killed from outside
		sig = o.status.Signal()
	case o.status.Exited():
		code = o.status.ExitStatus()
		if code > 128 && code <= 128+64 {
			sig = unix.Signal(code - 128)
		}
	}
	if code >= 0 {
		r.ExitCode = ptr(code)
	}
	if sig != 0 {
		r.Signal = unix.SignalName(sig)
		if r.Signal == "" {
			r.Signal = sig.String()
		}
	}
	r.Status, r.Reason = execution.StatusFailed, execution.ReasonNone
	switch {
	case o.overOutput:
		r.Reason = execution.ReasonOutputLimit
	case o.usage.oomKills > 0:
		r.Reason = execution.ReasonMemoryLimit
	case o.usage.pidsMax > 0: // even if the program exited 0: some of its work was refused
		r.Reason = execution.ReasonProcessLimit
	case code == 0 && sig == 0:
		r.Status = execution.StatusCompleted
	case o.timedOut:
		r.Status, r.Reason = execution.StatusTimeout, execution.ReasonTimeLimit
	case sig == unix.SIGXCPU || (sig == unix.SIGKILL && o.usage.cpu >= time.Duration(l.TimeLimitMS)*time.Millisecond):
		r.Status, r.Reason = execution.StatusTimeout, execution.ReasonCPULimit
	case sig == unix.SIGXFSZ:
		r.Reason = execution.ReasonFileSizeLimit
	case sig != 0:
		r.Reason = execution.ReasonSignal
	default:
		r.Reason = execution.ReasonExitNonzero
	}
	return r
}
