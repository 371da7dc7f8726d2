// The start-up sweep: leftovers of a crashed process are removed, those of a live one kept.
package sandbox_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"livecode/internal/sandbox"
)

func TestSweepLeftovers(t *testing.T) {
	t.Parallel()
	// The run cgroups' directories: one per v1 controller, or one in the v2 unified hierarchy.
	ctrls := []string{"memory", "pids", "cpu", "cpuacct", "freezer"}
	if _, err := os.Stat("/sys/fs/cgroup/pids/cgroup.procs"); err != nil {
		if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
			t.Skip("no cgroup v1 pids controller and no cgroup v2 hierarchy")
		}
		ctrls = []string{""}
	}
	work := t.TempDir()
	if err := os.Chmod(filepath.Dir(work), 0o711); err != nil {
		t.Fatal(err)
	}
	parent := "livecode-test-sweep-" + strconv.Itoa(os.Getpid())
	gone := exec.Command("/bin/true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	live := exec.Command("/bin/sleep", "1000")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = live.Process.Kill(); _ = live.Wait() })
	deadName := strconv.Itoa(gone.Process.Pid) + "-69900-1-abc"
	liveName := strconv.Itoa(live.Process.Pid) + "-69900-1-def"

	// A crashed run: its tmpfs still mounted, with a planted symlink, and its cgroup holding a
	// process. A live process's run: a plain work dir and an empty cgroup.
	deadDir := filepath.Join(work, deadName)
	if err := os.Mkdir(deadDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("livecode-run", deadDir, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(deadDir, "etc")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(work, liveName), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{deadName, liveName} {
		for _, c := range ctrls {
			if err := os.MkdirAll(filepath.Join("/sys/fs/cgroup", c, parent, name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	stray := exec.Command("/bin/sleep", "1000")
	if err := stray.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stray.Process.Kill(); _ = stray.Wait() })
	for _, c := range ctrls {
		procs := filepath.Join("/sys/fs/cgroup", c, parent, deadName, "cgroup.procs")
		if err := os.WriteFile(procs, []byte(strconv.Itoa(stray.Process.Pid)), 0); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, c := range ctrls {
			_ = unix.Rmdir(filepath.Join("/sys/fs/cgroup", c, parent, liveName))
		}
		removeCgroupParent(parent)
	})

	if _, err := sandbox.New(sandbox.Config{WorkRoot: work, CgroupParent: parent, UIDBase: 69900}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(deadDir); !os.IsNotExist(err) {
		t.Errorf("crashed run's work dir: %v, want it gone", err)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Errorf("the sweep followed a planted link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(work, liveName)); err != nil {
		t.Errorf("live process's work dir: %v, want it kept", err)
	}
	_ = stray.Wait()
	if ws := stray.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("process in the crashed run's cgroup: %v, want killed", stray.ProcessState)
	}
	for _, c := range ctrls {
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", c, parent, deadName)); !os.IsNotExist(err) {
			t.Errorf("crashed run's %s cgroup: %v, want it gone", c, err)
		}
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", c, parent, liveName)); err != nil {
			t.Errorf("live process's %s cgroup: %v, want it kept", c, err)
		}
	}
}
