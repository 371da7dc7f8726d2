// Starting bubblewrap: the program is held at bubblewrap's --block-fd while the host puts the
// sandbox's processes into the run's cgroup and sets their rlimits, then released.

package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The descriptors bubblewrap inherits (ExtraFiles start at 3).
const (
	seccompFD = 3 // the seccomp program (--seccomp)
	statusFD  = 4 // bubblewrap reports the child's pid, then the program's exit, in JSON (--json-status-fd)
	blockFD   = 5 // bubblewrap's child waits for a byte here before it execs (--block-fd)
	argsFD    = 6 // bubblewrap's options, NUL-separated (--args)
)

// holdTimeout bounds the wait for bubblewrap's child to exist; it takes milliseconds.
const holdTimeout = 10 * time.Second

// running is a started program, confined to its cgroup.
type running struct {
	cg       runCgroup
	base     cgroupUsage           // the cgroup's counters at the release, which the run's exclude
	released time.Time             // the program's wall time counts from here
	await    func(d time.Duration) // waits, at most d, for the sandbox's processes to be gone
	reap     func()                // reaps the sandbox's pid 1 once it is a zombie of ours, when known; may be nil
	done     func()                // releases what the start took
	// ran reports, once the sandbox's main process was waited for, whether the program was
	// exec'd and its end seen, through a channel of the sandbox's own that the program cannot
	// write. False means the sandbox failed before the program ran, or was killed.
	ran func() bool
}

// held is a bubblewrap started and held at --block-fd: its child has made the jail's
// namespaces and mounts and waits, as the slot's uid, before the seccomp filter and the exec.
type held struct {
	l   *launch
	cg  runCgroup
	pid int // bubblewrap's child, pid 1 of the sandbox
}

// startBwrap starts cmd as bubblewrap running j, born in the run's cgroup (so its sandbox's
// cgroup namespace is rooted there), holds it while its child's rlimits are set, then releases
// it. On failure nothing of it is left: bubblewrap is dead and waited for, the cgroup removed;
// files closes the descriptors.
func (s *Sandbox) startBwrap(cmd *exec.Cmd, j step, files *pipes, limits cgroupLimits) (*running, error) {
	h, err := s.holdBwrap(cmd, j, files, limits)
	if err != nil {
		return nil, err
	}
	return s.releaseBwrap(h, j)
}

// holdBwrap starts cmd as bubblewrap running j in a new cgroup with limits and waits until its
// child is held. On failure nothing of it is left but descriptors, which files closes.
func (s *Sandbox) holdBwrap(cmd *exec.Cmd, j step, files *pipes, limits cgroupLimits) (*held, error) {
	seccompR, seccompW, err := files.pipe("seccomp")
	if err != nil {
		return nil, err
	}
	if _, err := seccompW.Write(s.seccomp); err != nil { // far below a pipe's capacity
		return nil, fmt.Errorf("sandbox: seccomp pipe: %w", err)
	}
	seccompW.Close()
	statusR, statusW, err := files.pipe("status")
	if err != nil {
		return nil, err
	}
	blockR, blockW, err := files.pipe("block")
	if err != nil {
		return nil, err
	}
	if err := errors.Join(s.fault("etc tree"), makeEtcTree(j.dir, j.langMounts)); err != nil {
		return nil, err
	}
	opts, err := argsData(bwrapOptions(s.mounts, j.mounts, j.dir, j.env, j.work))
	if err != nil {
		return nil, err
	}
	argsF, err := files.memfd("args", opts)
	if err != nil {
		return nil, err
	}
	j.tl.mark(StagePrepare)
	cmd.Path = s.cfg.BwrapPath
	cmd.Args = bwrapArgv(j.argv)
	cmd.ExtraFiles = []*os.File{seccompR, statusW, blockR, argsF}
	// bubblewrap sets no_new_privs itself before anything else.
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(j.uid), Gid: uint32(j.uid), Groups: []uint32{}}
	if err := s.fault("bwrap start"); err != nil {
		return nil, fmt.Errorf("sandbox: start bubblewrap: %w", err)
	}
	cg, err := s.createCgroup(j.name, limits)
	if err != nil {
		return nil, err
	}
	j.tl.mark(StageCgroup)
	if err := s.kids.start(cmd, func() error { return cg.start(cmd) }); err != nil {
		return nil, errors.Join(startError("bubblewrap", err), cg.remove())
	}
	j.tl.mark(StageStart)
	files.closeChildEnds(cmd)
	// files closes status and release last, after any abort.
	h := &held{l: &launch{cmd: cmd, statusR: statusR, status: json.NewDecoder(io.LimitReader(statusR, 64<<10)), release: blockW, pidfd: -1}, cg: cg}
	err = s.fault("hold")
	if err == nil {
		h.pid, err = h.l.hold()
		j.tl.mark(StageHold)
	}
	if err != nil {
		return nil, h.abort(err)
	}
	return h, nil
}

// releaseBwrap sets the rlimits of j on h's child, takes the cgroup's counters as the run's
// baseline and releases the child. On failure nothing of it is left.
func (s *Sandbox) releaseBwrap(h *held, j step) (*running, error) {
	err := errors.Join(s.fault("confine"), setRlimits(j.uid, h.pid, s.rlimits(j.limits)))
	var base cgroupUsage
	if err == nil {
		base, err = h.cg.baseline()
	}
	j.tl.mark(StageConfine)
	if err == nil {
		err = errors.Join(s.fault("release"), h.l.start())
		j.tl.mark(StageRelease)
	}
	if err != nil {
		return nil, h.abort(err)
	}
	l := h.l
	return &running{cg: h.cg, base: base, released: time.Now(), await: l.awaitSandbox, reap: l.reap, done: l.close, ran: l.ran}, nil
}

// abort kills h's bubblewrap and its held child and removes the cgroup; it returns err with
// what failed of that.
func (h *held) abort(err error) error {
	h.l.abort()
	h.l.close()
	return errors.Join(fmt.Errorf("sandbox: %w", err), h.cg.remove())
}

// createCgroup makes the run's cgroup.
func (s *Sandbox) createCgroup(name string, limits cgroupLimits) (runCgroup, error) {
	if err := s.fault("cgroup create"); err != nil {
		return nil, fmt.Errorf("sandbox: create cgroup: %w", err)
	}
	cg, err := s.cgroups.create(name, limits)
	if err != nil {
		return nil, fmt.Errorf("sandbox: create cgroup: %w", err)
	}
	return cg, nil
}

// startError wraps the error of starting the sandbox's process. The only argv that can be too
// long is the program's (bubblewrap's options go through --args): a spec error, never retried.
func startError(what string, err error) error {
	if errors.Is(err, syscall.E2BIG) {
		return fmt.Errorf("%w: start %s: %w", ErrSpec, what, err)
	}
	return fmt.Errorf("sandbox: start %s: %w", what, err)
}

// bwrapStatus is one report of bubblewrap on --json-status-fd: the child's pid once it exists,
// then, only if the program was exec'd and its end seen, its exit code.
type bwrapStatus struct {
	ChildPid int  `json:"child-pid"`
	ExitCode *int `json:"exit-code"`
}

// launch is the host's side of one started bubblewrap. It was started in its own process
// group, which the held child shares until it calls setsid after its release.
type launch struct {
	cmd     *exec.Cmd
	statusR *os.File      // read end of --json-status-fd
	status  *json.Decoder // over statusR
	release *os.File      // write end of --block-fd
	pidfd   int           // of bubblewrap's child, pid 1 of the sandbox; -1 when not open
}

// hold reads the pid of bubblewrap's sandbox child. The child has dropped its privileges and
// waits on --block-fd: nothing of the program has run yet. It returns an error when bubblewrap
// exits before, which it does after writing the reason on stderr.
func (l *launch) hold() (int, error) {
	var st bwrapStatus
	_ = l.statusR.SetReadDeadline(time.Now().Add(holdTimeout))
	if err := l.status.Decode(&st); err != nil || st.ChildPid <= 0 {
		return 0, errors.New("bubblewrap exited during setup")
	}
	// The child is held, so the pid is still its own.
	var err error
	if l.pidfd, err = unix.PidfdOpen(st.ChildPid, 0); err != nil {
		return 0, fmt.Errorf("pidfd_open: %w", err)
	}
	return st.ChildPid, nil
}

// ran reports whether bubblewrap saw the program's end, which it reports only for a program
// that was exec'd: not when its setup or the exec failed, nor when it was killed. bubblewrap
// (its outside process, which the program cannot reach) has exited: the report, if any, is
// already in the pipe.
func (l *launch) ran() bool {
	var st bwrapStatus
	_ = l.statusR.SetReadDeadline(time.Now().Add(time.Second))
	return l.status.Decode(&st) == nil && st.ExitCode != nil
}

// awaitSandbox waits, at most d, until the sandbox's pid 1 is dead. A pid namespace's init
// only finishes exiting once every other process of the namespace is gone, so then the run's
// cgroup is empty without any kill. bubblewrap's monitor, which Wait waited for, exits as soon
// as the program does, a moment before.
func (l *launch) awaitSandbox(d time.Duration) {
	if l.pidfd < 0 {
		return
	}
	fds := []unix.PollFd{{Fd: int32(l.pidfd), Events: unix.POLLIN}}
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		if _, err := unix.Poll(fds, int(left.Milliseconds())+1); err != unix.EINTR {
			return
		}
	}
}

// reap reaps the sandbox's pid 1 if it is a zombie of this process's by now.
func (l *launch) reap() {
	if l.pidfd >= 0 {
		reapPidfd(l.pidfd)
	}
}

// close releases the pidfd.
func (l *launch) close() {
	if l.pidfd >= 0 {
		unix.Close(l.pidfd)
		l.pidfd = -1
	}
}

// setRlimits sets the rlimits of pid, a process of uid (and gid uid). Hosts often deny root
// CAP_SYS_RESOURCE (VMs, containers), without which prlimit only reaches processes whose ids
// match the caller's real ids: one locked thread of ours takes uid and gid as its real ids for
// the calls. Its effective ids stay root, so it keeps its capabilities and returns to root.
// While it holds uid, processes of uid could signal it; the only ones are this slot's held
// bubblewrap (no program code has run: it waits on --block-fd) and, with warm jails, a prepared
// or discarded jail of the slot, equally held, since a slot's uid serves one run at a time and
// the previous run's processes are dead.
func setRlimits(uid, pid int, rlimits []rlimit) error {
	return onLockedThread(func(int) (bool, error) { return prlimitAs(uid, pid, rlimits) })
}

// prlimitAs runs on a locked thread. Credentials are per thread in Linux: the raw syscalls
// change this thread's only (the syscall package would change every thread's). It reports
// whether the thread is root again.
func prlimitAs(uid, pid int, rlimits []rlimit) (bool, error) {
	keep := ^uintptr(0) // -1: leave unchanged
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(uid), keep, keep); e != 0 {
		return true, fmt.Errorf("setresgid: %w", e)
	}
	var err error
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(uid), keep, keep); e != 0 {
		err = fmt.Errorf("setresuid: %w", e)
	} else {
		for _, r := range rlimits {
			lim := unix.Rlimit{Cur: r.Limit, Max: r.Limit}
			if err = unix.Prlimit(pid, r.Resource, &lim, nil); err != nil {
				err = fmt.Errorf("prlimit %d: %w", r.Resource, err)
				break
			}
		}
	}
	_, _, e1 := unix.RawSyscall(unix.SYS_SETRESUID, 0, keep, keep)
	_, _, e2 := unix.RawSyscall(unix.SYS_SETRESGID, 0, keep, keep)
	return e1 == 0 && e2 == 0, err
}

// start releases the held child: it applies the seccomp filter and execs the program.
func (l *launch) start() error {
	_, err := l.release.Write([]byte{1})
	l.release.Close()
	if err != nil {
		return fmt.Errorf("release sandbox: %w", err)
	}
	return nil
}

// abort kills bubblewrap and its held child. It must precede closing release: the child
// reads end of file as its release, and it has no parent-death signal yet.
func (l *launch) abort() {
	_ = unix.Kill(-l.cmd.Process.Pid, unix.SIGKILL)
	_ = l.cmd.Wait()
}

// writeFile writes b to an existing file in one write, as cgroup control files require.
func writeFile(path string, b []byte) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	for errors.Is(err, unix.EINTR) {
		fd, err = unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return err
	}
	// A memory limit below the usage makes the kernel reclaim, which a signal to this process
	// (the Go runtime sends them) interrupts: the write is then made again.
	_, err = unix.Write(fd, b)
	for errors.Is(err, unix.EINTR) {
		_, err = unix.Write(fd, b)
	}
	return errors.Join(err, unix.Close(fd))
}

// rlimit is one resource limit set on the sandbox's processes.
type rlimit struct {
	Resource int
	Limit    uint64
}
