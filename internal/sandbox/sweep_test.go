// The start-up sweep: leftovers of a process that is gone are removed, those of a live one kept.

package sandbox_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"livecode/internal/proctest"
	"livecode/internal/sandbox"
)

func TestSweepLeftovers(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/sys/fs/cgroup/pids/cgroup.procs"); err != nil {
		if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
			t.Skip("no cgroup v1 pids controller and no cgroup v2 hierarchy")
		}
	}
	work := t.TempDir()
	if err := os.Chmod(filepath.Dir(work), 0o711); err != nil {
		t.Fatal(err)
	}
	parent := "livecode-test-sweep-" + strconv.Itoa(os.Getpid())
	deadInst, liveInst := strings.Repeat("d", 32), strings.Repeat("a", 32)
	run := strings.Repeat("1", 32)

	// A crashed process's instance: its lock free, a run's tmpfs still mounted with a planted
	// symlink, and the run's cgroup holding a process. A live process's instance: its lock held,
	// a run's plain work dir and an empty cgroup.
	for _, inst := range []string{deadInst, liveInst} {
		if err := os.MkdirAll(filepath.Join(work, inst, run), 0o711); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, inst, "lock"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	lock, err := os.Open(filepath.Join(work, liveInst, "lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	deadDir := filepath.Join(work, deadInst, run)
	if err := unix.Mount("livecode-run", deadDir, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(deadDir, "etc")); err != nil {
		t.Fatal(err)
	}
	dirs := proctest.CgroupDirs(parent)
	for _, inst := range []string{deadInst, liveInst} {
		for _, d := range dirs {
			if err := os.MkdirAll(filepath.Join(d, inst, run), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	stray := exec.Command("/bin/sleep", "1000")
	if err := stray.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stray.Process.Kill(); _ = stray.Wait() })
	for _, d := range dirs {
		procs := filepath.Join(d, deadInst, run, "cgroup.procs")
		if err := os.WriteFile(procs, []byte(strconv.Itoa(stray.Process.Pid)), 0); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, d := range dirs {
			_ = unix.Rmdir(filepath.Join(d, liveInst, run))
			_ = unix.Rmdir(filepath.Join(d, liveInst))
		}
		proctest.RemoveCgroups(parent)
	})

	sb, err := sandbox.New(sandbox.Config{WorkRoot: work, CgroupParent: parent, UIDBase: 71100})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(work, deadInst)); !os.IsNotExist(err) {
		t.Errorf("crashed process's instance dir: %v, want it gone", err)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Errorf("the sweep followed a planted link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(work, liveInst, run)); err != nil {
		t.Errorf("live process's work dir: %v, want it kept", err)
	}
	_ = stray.Wait()
	if ws := stray.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("process in the crashed run's cgroup: %v, want killed", stray.ProcessState)
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, deadInst)); !os.IsNotExist(err) {
			t.Errorf("crashed instance's cgroup %s: %v, want it gone", d, err)
		}
		if _, err := os.Stat(filepath.Join(d, liveInst, run)); err != nil {
			t.Errorf("live instance's run cgroup in %s: %v, want it kept", d, err)
		}
	}
	// Its own instance is gone after Close: only the two planted ones were ever there.
	if entries, _ := os.ReadDir(work); len(entries) != 1 {
		t.Errorf("work root after Close: %v, want only the live instance", entries)
	}
}
