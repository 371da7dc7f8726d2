// One invocation of the jail: bubblewrap, its cgroup and rlimits, output collection, limits, teardown.

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

func (s *Sandbox) step(ctx context.Context, j step) (out stepOutcome, err error) {
	files := pipes{fault: s.fault}
	defer files.closeAll()
	stdoutR, stdoutW, err := files.pipe("stdout")
	if err != nil {
		return out, err
	}
	stderrR, stderrW, err := files.pipe("stderr")
	if err != nil {
		return out, err
	}
	cmd := &exec.Cmd{
		Env:         []string{"PATH=/usr/bin:/bin"},
		Stdout:      stdoutW,
		Stderr:      stderrW,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	stdinW, err := stdinPipe(cmd, j.stdin, &files)
	if err != nil {
		return out, err
	}
	limits := cgroupLimits{
		memoryBytes: int64(j.limits.MemoryLimitMB) << 20,
		pids:        int64(j.limits.MaxProcesses) + 3, // bubblewrap's monitor and its child (pid 1), one spare
		cpus:        s.cfg.CPUs,
	}
	start := time.Now()
	begin := s.startBwrap
	if s.cfg.Level == "gvisor" {
		begin = s.startRunsc
	}
	r, err := begin(cmd, j, &files, limits)
	defer s.kids.forget(cmd) // waited for by then, by step or by the failed start
	if s.cfg.Level == "gvisor" {
		j.tl.mark(StageStart)
	}
	if err != nil {
		// A failed start killed what it started and removed its cgroup: the held child that
		// bubblewrap leaves is a zombie of ours by now.
		s.kids.reapOrphans()
		return out, withStderr(err, cmd, &files, stderrR)
	}
	cg := r.cg
	col := &collector{limit: j.limits.OutputLimitBytes, live: j.live}
	var overOutput, timedOut, canceled atomic.Bool
	col.onLimit = func() {
		overOutput.Store(true)
		_ = cg.kill()
	}
	var readers sync.WaitGroup
	defer func() {
		// Nothing of the run may survive it: kill what is left, then remove the cgroup. The
		// output readers end once every writer is dead.
		if !cg.empty() {
			if kerr := cg.kill(); kerr != nil {
				err = errors.Join(err, kerr)
			} else {
				readers.Wait()
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
	}()
	files.forget(stdoutR, stderrR)
	readers.Add(1)
	readFault := s.fault("output read") // here, not in the reader, which may outlive a failed step
	go func() {
		defer readers.Done()
		col.drain(stdoutR, stderrR, readFault)
		if col.failed() != nil {
			_ = cg.kill() // its output is lost: the run cannot have a result
		}
	}()
	if stdinW != nil {
		files.forget(stdinW)
		go func() {
			_, _ = io.Copy(stdinW, j.stdin)
			stdinW.Close()
		}()
	}

	timer := time.AfterFunc(time.Duration(j.limits.TimeLimitMS)*time.Millisecond, func() {
		timedOut.Store(true)
		_ = cg.kill()
	})
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			canceled.Store(true)
			_ = cg.kill()
		case <-done:
		}
	}()
	werr := cmd.Wait()
	out.wall = time.Since(start)
	j.tl.mark(StageProgram)
	timer.Stop()
	close(done)
	if werr == nil {
		werr = s.fault("wait")
	}
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) {
		return out, fmt.Errorf("sandbox: wait: %w", werr)
	}
	out.status = cmd.ProcessState.Sys().(syscall.WaitStatus)
	ran := r.ran()
	// Background processes die with the sandbox's pid namespace; kill stragglers so the
	// pipes reach EOF.
	r.await(100 * time.Millisecond)
	if !cg.empty() {
		if err := cg.kill(); err != nil {
			return out, err
		}
	}
	readers.Wait()
	j.tl.mark(StageWait)
	if err := col.failed(); err != nil {
		return out, fmt.Errorf("sandbox: read output: %w", err)
	}
	if out.usage, err = cg.usage(); err == nil {
		err = s.fault("usage")
	}
	if err != nil {
		return out, fmt.Errorf("sandbox: read cgroup usage: %w", err)
	}
	j.tl.mark(StageUsage)
	out.stdout, out.stderr, out.output, _ = col.snapshot()
	out.timedOut, out.overOutput, out.canceled = timedOut.Load(), overOutput.Load(), canceled.Load()
	// What the program wrote is never looked at: only the sandbox's own report says it ran.
	// A run killed for a limit or a cancel is the program's result even if it never started.
	if !ran && !out.timedOut && !out.overOutput && !out.canceled && out.usage.oomKills == 0 {
		return out, fmt.Errorf("sandbox: the program did not start (status %v): %s", out.status, clip(out.stderr))
	}
	return out, nil
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
