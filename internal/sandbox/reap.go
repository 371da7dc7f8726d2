// Orphan reaping: livecode is a child subreaper, so what a run leaves behind when its parent dies
// first (the sandbox's pid 1 once bubblewrap's outer process is killed, gVisor's helpers once
// runsc is) becomes its child, never init's, and it reaps them itself: a container where
// livecode is pid 1 collects no zombies from runs.

package sandbox

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// becomeSubreaper marks this process a child subreaper.
func becomeSubreaper() error { return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }

// children tracks the processes the sandbox starts itself (bubblewrap, runsc) until they are
// waited for, so that reaping orphans never takes one from its exec.Cmd.Wait.
type children struct {
	gate    sync.RWMutex // starts hold it for reading, reaping for writing
	mu      sync.Mutex   // guards started
	started map[int]bool
}

// start starts a child with start and records it before any reaping can see it.
func (c *children) start(cmd *exec.Cmd, start func() error) error {
	c.gate.RLock()
	defer c.gate.RUnlock()
	if err := start(); err != nil {
		return err
	}
	c.mu.Lock()
	c.started[cmd.Process.Pid] = true
	c.mu.Unlock()
	return nil
}

// forget drops cmd's process, once it is waited for (or was never started).
func (c *children) forget(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	c.mu.Lock()
	delete(c.started, cmd.Process.Pid)
	c.mu.Unlock()
}

// reapOrphans reaps every zombie child of this process that is not root's and that the sandbox
// did not start, and reports how many. Those are orphans of runs: this process's own children
// are the sandbox's, which it waits for itself, and root's (toolchain probes, runsc's
// housekeeping), which it never touches. Orphans appear once their parent dies, so call it
// after a run's processes are all dead.
func (c *children) reapOrphans() int {
	c.gate.Lock()
	defer c.gate.Unlock()
	if !anyZombie() { // the usual case once the run's pid 1 is reaped: no /proc walk
		return 0
	}
	var n int
	for _, pid := range childPids() {
		c.mu.Lock()
		ours := c.started[pid]
		c.mu.Unlock()
		if ours || !orphanZombie(pid) {
			continue
		}
		var ws unix.WaitStatus
		if got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil); err == nil && got == pid {
			n++
		}
	}
	return n
}

// anyZombie reports whether some child of this process has exited and not been waited for. It
// waits for none: a child the sandbox started stays for its exec.Cmd.Wait.
func anyZombie() bool {
	var info unix.Siginfo // Linux leaves it zeroed when no child is waitable
	err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err == nil && info.Signo != 0 || err != nil && err != unix.ECHILD
}

// reapPidfd reaps the process of pidfd if it is a zombie child of this process: the sandbox's
// pid 1 becomes one once bubblewrap's outer process, its parent, has exited. Whatever it cannot
// reap (not exited yet, or not a child) is left to reapOrphans.
func reapPidfd(pidfd int) {
	var info unix.Siginfo
	_ = unix.Waitid(unix.P_PIDFD, pidfd, &info, unix.WEXITED|unix.WNOHANG, nil)
}

// childPids lists this process's children: each thread has its own list.
func childPids() []int {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// orphanZombie reports whether pid is a zombie whose real uid is not root.
func orphanZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	var zombie, root bool
	for _, line := range bytes.Split(b, []byte("\n")) {
		k, v, _ := bytes.Cut(line, []byte(":"))
		switch string(k) {
		case "State":
			zombie = bytes.HasPrefix(bytes.TrimSpace(v), []byte("Z"))
		case "Uid":
			f := bytes.Fields(v)
			root = len(f) == 0 || string(f[0]) == "0"
		}
	}
	return zombie && !root
}
