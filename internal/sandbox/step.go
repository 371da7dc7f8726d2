// One invocation of the jail, by stage: start (cold) or take over a prepared jail (warm), watch
// the program under its limits, wait for it, account and clean up.

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"livecode/internal/execution"
)

// step is one program run in the jail over a work dir.
type step struct {
	name   string // unique: names the cgroup
	uid    int
	dir    string
	env    []string
	mounts []string // bubblewrap arguments of langMounts
	argv   []string
	limits execution.Limits
	stdin  io.Reader
	live   func(Pipe, []byte)

	langMounts []string  // the language's extra read-only host paths
	work       string    // host dir bound as /work when not dir/work: the overlay of a cached build
	later      *teardown // when set, the cgroup is removed there instead of before step returns
	tl         *timeline // the run's stages; nil for a compile step
	warm       *prepared // when set, the step releases this prepared jail instead of starting one
}

// stepOutcome is what the host observed of one step.
type stepOutcome struct {
	status                 syscall.WaitStatus // of bubblewrap or runsc, which report the program's
	wall                   time.Duration
	usage                  cgroupUsage
	stdout, stderr, output string
	timedOut, overOutput   bool
	canceled               bool
}

// jail is one sandbox process (bubblewrap or runsc) and the host's ends of its descriptors.
type jail struct {
	cmd              *exec.Cmd
	files            pipes
	stdoutR, stderrR *os.File
	stdinW           *os.File // the write end of the program's stdin pipe; nil without one
	r                *running // once the program is released
}

// watch is the host's watch over a released program: its output and the events that end it.
type watch struct {
	col                            *collector
	readers                        sync.WaitGroup
	overOutput, timedOut, canceled atomic.Bool
	timer                          *time.Timer
	done                           chan struct{}
}

func (s *Sandbox) step(ctx context.Context, j step) (out stepOutcome, err error) {
	var jl *jail
	if j.warm != nil {
		jl, err = s.takeOver(j)
	} else {
		jl, err = s.startCold(j)
	}
	if err != nil {
		return out, err
	}
	defer jl.files.closeAll()
	defer s.kids.forget(jl.cmd) // waited for by then, by step or by the failed start
	w := s.watchJail(ctx, j, jl)
	defer func() { err = errors.Join(err, s.endStep(j, jl.r, w)) }()
	return s.awaitProgram(j, jl, w)
}

// openJail makes the step's output pipes, its stdin (a pipe when pipeStdin, as a prepared jail
// needs before it knows its run) and the command that will start the sandbox.
func (s *Sandbox) openJail(stdin io.Reader, pipeStdin bool) (*jail, error) {
	jl := &jail{files: pipes{fault: s.fault}}
	jl.cmd = &exec.Cmd{Env: []string{"PATH=/usr/bin:/bin"}, SysProcAttr: &syscall.SysProcAttr{Setpgid: true}}
	var stdoutW, stderrW *os.File
	var err error
	if jl.stdoutR, stdoutW, err = jl.files.pipe("stdout"); err != nil {
		return jl, err
	}
	if jl.stderrR, stderrW, err = jl.files.pipe("stderr"); err != nil {
		return jl, err
	}
	jl.cmd.Stdout, jl.cmd.Stderr = stdoutW, stderrW
	if pipeStdin && stdin == nil {
		stdin = strings.NewReader("")
	}
	jl.stdinW, err = stdinPipe(jl.cmd, stdin, &jl.files)
	return jl, err
}

// stepLimits are the cgroup limits of step j.
func (s *Sandbox) stepLimits(l execution.Limits) cgroupLimits {
	return cgroupLimits{
		memoryBytes: int64(l.MemoryLimitMB) << 20,
		pids:        int64(l.MaxProcesses) + 3, // bubblewrap's monitor and its child (pid 1), one spare
		cpus:        s.cfg.CPUs,
	}
}

// startCold starts the sandbox of j from nothing: bubblewrap (or runsc) started, held, confined
// and released. On failure nothing of it is left.
func (s *Sandbox) startCold(j step) (*jail, error) {
	jl, err := s.openJail(j.stdin, false)
	if err == nil {
		begin := s.startBwrap
		if s.cfg.Level == "gvisor" {
			begin = s.startRunsc
		}
		jl.r, err = begin(jl.cmd, j, &jl.files, s.stepLimits(j.limits))
		if s.cfg.Level == "gvisor" {
			j.tl.mark(StageStart)
		}
		if err != nil {
			// A failed start killed what it started and removed its cgroup: the held child that
			// bubblewrap leaves is a zombie of ours by now.
			s.kids.reapOrphans()
			err = withStderr(err, jl.cmd, &jl.files, jl.stderrR)
		}
	}
	if err != nil {
		s.kids.forget(jl.cmd)
		jl.files.closeAll()
		return nil, err
	}
	return jl, nil
}

// watchJail starts watching a released program: its output read, its stdin fed, its time limit
// and ctx's cancel each killing it.
func (s *Sandbox) watchJail(ctx context.Context, j step, jl *jail) *watch {
	cg := jl.r.cg
	w := &watch{col: &collector{limit: j.limits.OutputLimitBytes, live: j.live}, done: make(chan struct{})}
	w.col.onLimit = func() {
		w.overOutput.Store(true)
		_ = cg.kill()
	}
	jl.files.forget(jl.stdoutR, jl.stderrR)
	w.readers.Add(1)
	readFault := s.fault("output read") // here, not in the reader, which may outlive a failed step
	go func() {
		defer w.readers.Done()
		w.col.drain(jl.stdoutR, jl.stderrR, readFault)
		if w.col.failed() != nil {
			_ = cg.kill() // its output is lost: the run cannot have a result
		}
	}()
	if jl.stdinW != nil {
		jl.files.forget(jl.stdinW)
		go feedStdin(jl.stdinW, j.stdin)
	}
	w.timer = time.AfterFunc(time.Duration(j.limits.TimeLimitMS)*time.Millisecond, func() {
		w.timedOut.Store(true)
		_ = cg.kill()
	})
	go func() {
		select {
		case <-ctx.Done():
			w.canceled.Store(true)
			_ = cg.kill()
		case <-w.done:
		}
	}()
	return w
}

// feedStdin copies in (nothing when nil) to the program's stdin, then closes it.
func feedStdin(stdin *os.File, in io.Reader) {
	if in != nil {
		_, _ = io.Copy(stdin, in)
	}
	stdin.Close()
}

// awaitProgram waits for the sandbox's process, then for every process of the run and its
// output, and reads the cgroup's accounting.
func (s *Sandbox) awaitProgram(j step, jl *jail, w *watch) (out stepOutcome, err error) {
	werr := jl.cmd.Wait()
	out.wall = time.Since(jl.r.released)
	j.tl.mark(StageProgram)
	w.timer.Stop()
	close(w.done)
	if werr == nil {
		werr = s.fault("wait")
	}
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) {
		return out, fmt.Errorf("sandbox: wait: %w", werr)
	}
	out.status = jl.cmd.ProcessState.Sys().(syscall.WaitStatus)
	ran := jl.r.ran()
	cg := jl.r.cg
	// Background processes die with the sandbox's pid namespace; kill stragglers so the
	// pipes reach EOF.
	jl.r.await(100 * time.Millisecond)
	if !cg.empty() {
		if err := cg.kill(); err != nil {
			return out, err
		}
	}
	w.readers.Wait()
	j.tl.mark(StageWait)
	if err := w.col.failed(); err != nil {
		return out, fmt.Errorf("sandbox: read output: %w", err)
	}
	if out.usage, err = cg.usage(); err == nil {
		err = s.fault("usage")
	}
	if err != nil {
		return out, fmt.Errorf("sandbox: read cgroup usage: %w", err)
	}
	out.usage = out.usage.since(jl.r.base)
	j.tl.mark(StageUsage)
	out.stdout, out.stderr, out.output, _ = w.col.snapshot()
	out.timedOut, out.overOutput, out.canceled = w.timedOut.Load(), w.overOutput.Load(), w.canceled.Load()
	// What the program wrote is never looked at: only the sandbox's own report says it ran.
	// A run killed for a limit or a cancel is the program's result even if it never started.
	if !ran && !out.timedOut && !out.overOutput && !out.canceled && out.usage.oomKills == 0 {
		return out, fmt.Errorf("sandbox: the program did not start (status %v): %s", out.status, clip(out.stderr))
	}
	return out, nil
}

// endStep makes sure nothing of the run survives it: it kills what is left, then removes the
// cgroup, now or in the run's teardown. The output readers end once every writer is dead.
func (s *Sandbox) endStep(j step, r *running, w *watch) (err error) {
	cg := r.cg
	if !cg.empty() {
		if kerr := cg.kill(); kerr != nil {
			err = kerr
		} else {
			w.readers.Wait()
		}
	}
	reaped := false
	remove := func() error {
		defer r.done()
		if !reaped {
			// Every process of the run is dead: the orphans it made are zombies of ours by now.
			defer s.kids.reapOrphans()
			if r.reap != nil {
				defer r.reap()
			}
		}
		if rerr := errors.Join(cg.remove(), s.fault("cgroup remove")); rerr != nil {
			return fmt.Errorf("sandbox: remove cgroup: %w", rerr)
		}
		return nil
	}
	switch {
	case j.later == nil:
		err = errors.Join(err, remove())
	case s.cfg.Level == "gvisor": // runsc's state is deleted by r.done: the slot waits for it
		j.later.add(remove)
	default:
		j.later.check(func() bool {
			if !cg.empty() {
				return false
			}
			r.reap()
			s.kids.reapOrphans()
			reaped = true
			return true
		})
		j.later.add(remove)
	}
	return err
}

// stdinPipe connects the program's stdin: nothing, the file itself, or a pipe whose write end
// it returns, which the caller feeds from in.
func stdinPipe(cmd *exec.Cmd, in io.Reader, files *pipes) (*os.File, error) {
	switch in := in.(type) {
	case nil:
		return nil, nil
	case *os.File:
		cmd.Stdin = in
		return nil, nil
	}
	r, w, err := files.pipe("stdin")
	if err != nil {
		return nil, err
	}
	cmd.Stdin = r
	return w, nil
}

// withStderr adds to err, the failure of starting the sandbox, what the sandbox's process
// wrote on stderr. That process is dead by now (or never started) and no program ran: the text
// is the sandbox's. The read is bounded all the same.
func withStderr(err error, cmd *exec.Cmd, files *pipes, stderr *os.File) error {
	files.closeChildEnds(cmd) // our copy of the write end, if the start did not close it
	_ = stderr.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if msg, _ := io.ReadAll(io.LimitReader(stderr, 4096)); len(msg) > 0 {
		return fmt.Errorf("%w: %s", err, clip(string(msg)))
	}
	return err
}

// clip shortens a message of the sandbox for an error.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return s
}

// rlimits are set on bubblewrap's held child before it is released, so they bind the program
// from its first instruction.
func (s *Sandbox) rlimits(l execution.Limits) []rlimit {
	cpu := uint64(l.TimeLimitMS+999)/1000 + 1 // a backstop: the wall-clock limit normally fires first
	return []rlimit{
		{unix.RLIMIT_CPU, cpu},
		{unix.RLIMIT_FSIZE, uint64(s.cfg.FileSizeBytes)},
		{unix.RLIMIT_NOFILE, uint64(s.cfg.OpenFiles)},
		{unix.RLIMIT_STACK, uint64(s.cfg.StackBytes)},
		{unix.RLIMIT_CORE, 0},
		// Per uid, and each slot has its own uid; pids.max is the limit that is reported.
		{unix.RLIMIT_NPROC, uint64(l.MaxProcesses) + 16},
	}
}
