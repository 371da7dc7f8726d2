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
	live   func(Stream, []byte)

	langMounts []string  // the language's extra read-only host paths
	artifacts  []string  // bubblewrap arguments binding cached compile output into /work
	later      *teardown // when set, the cgroup is removed there instead of before step returns
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
	var files pipes
	defer files.closeAll()
	stdoutR, stdoutW, err := files.pipe()
	if err != nil {
		return out, err
	}
	stderrR, stderrW, err := files.pipe()
	if err != nil {
		return out, err
	}
	cmd := &exec.Cmd{
		Env:         []string{"PATH=/usr/bin:/bin"},
		Stdout:      stdoutW,
		Stderr:      stderrW,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	var stdinW *os.File
	switch in := j.stdin.(type) {
	case nil:
	case *os.File:
		cmd.Stdin = in
	default:
		var stdinR *os.File
		if stdinR, stdinW, err = files.pipe(); err != nil {
			return out, err
		}
		cmd.Stdin = stdinR
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
	if err != nil {
		if msg, _ := io.ReadAll(io.LimitReader(stderrR, 4096)); len(msg) > 0 {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(msg)))
		}
		return out, err
	}
	cg := r.cg
	defer func() {
		// Nothing of the run may survive it: kill what is left, then remove the cgroup.
		if !cg.empty() {
			err = errors.Join(err, cg.kill())
		}
		remove := func() error {
			defer r.done()
			if rerr := cg.remove(); rerr != nil {
				return fmt.Errorf("sandbox: remove cgroup: %w", rerr)
			}
			return nil
		}
		if j.later != nil {
			j.later.add(remove)
		} else {
			err = errors.Join(err, remove())
		}
	}()
	col := &collector{limit: j.limits.OutputLimitBytes, live: j.live}
	var overOutput, timedOut, canceled atomic.Bool
	col.onLimit = func() {
		overOutput.Store(true)
		_ = cg.kill()
	}
	var readers sync.WaitGroup
	files.forget(stdoutR, stderrR)
	readers.Add(1)
	go func() {
		defer readers.Done()
		col.drain(stdoutR, stderrR)
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
	timer.Stop()
	close(done)
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) {
		return out, fmt.Errorf("sandbox: wait: %w", werr)
	}
	out.status = cmd.ProcessState.Sys().(syscall.WaitStatus)
	// Background processes die with the sandbox's pid namespace; kill stragglers so the
	// pipes reach EOF.
	r.await(100 * time.Millisecond)
	if !cg.empty() {
		if err := cg.kill(); err != nil {
			return out, err
		}
	}
	readers.Wait()
	if out.usage, err = cg.usage(); err != nil {
		return out, fmt.Errorf("sandbox: read cgroup usage: %w", err)
	}
	out.stdout, out.stderr, out.output, _ = col.snapshot()
	out.timedOut, out.overOutput, out.canceled = timedOut.Load(), overOutput.Load(), canceled.Load()
	if !out.timedOut && !out.overOutput && !out.canceled && bwrapFailed(out) {
		return out, fmt.Errorf("sandbox: %s", strings.TrimSpace(out.stderr))
	}
	return out, nil
}

// bwrapFailed reports a failure of bubblewrap's own setup, which it reports as exit status 1
// and a message on stderr before the program starts.
func bwrapFailed(o stepOutcome) bool {
	return o.status.Exited() && o.status.ExitStatus() == 1 && strings.HasPrefix(o.stderr, "bwrap: ") && o.stdout == ""
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

// pipes tracks the descriptors of one step so that every one of them is closed.
type pipes struct{ open []*os.File }

func (p *pipes) pipe() (*os.File, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: pipe: %w", err)
	}
	p.open = append(p.open, r, w)
	return r, w, nil
}

// closeChildEnds closes our copies of the descriptors the child inherited.
func (p *pipes) closeChildEnds(cmd *exec.Cmd) {
	child := append([]*os.File{}, cmd.ExtraFiles...)
	for _, f := range []any{cmd.Stdin, cmd.Stdout, cmd.Stderr} {
		if f, ok := f.(*os.File); ok {
			child = append(child, f)
		}
	}
	for _, f := range child {
		p.forget(f)
		f.Close()
	}
}

// forget hands f's closing over to its new owner.
func (p *pipes) forget(files ...*os.File) {
	for _, f := range files {
		for i, o := range p.open {
			if o == f {
				p.open = append(p.open[:i], p.open[i+1:]...)
				break
			}
		}
	}
}

func (p *pipes) closeAll() {
	for _, f := range p.open {
		f.Close()
	}
}
