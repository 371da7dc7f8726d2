// End-to-end checks that a run learns nothing about the host from /proc and leaves no process,
// not even a zombie, behind.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"livecode/internal/proctest"
	"livecode/internal/testsvc"
)

// TestProgramCannotSeeHostIdentity runs, through the API, a program that prints its cgroups,
// its pid 1's command line and its mounts: its cgroup is "/" everywhere, and neither the
// service's pid nor the host work dir shows. Then a fork bomb and a double fork: afterwards no
// process or zombie of the sandbox uids is left.
func TestProgramCannotSeeHostIdentity(t *testing.T) {
	t.Parallel()
	const uidBase = 71200
	work := filepath.Join(t.TempDir(), "runs")
	if err := os.Chmod(filepath.Dir(filepath.Dir(work)), 0o711); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(work, 0o711); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(work), 0o711); err != nil {
		t.Fatal(err)
	}
	// After the process is killed (on failure), before the temp dir goes: what it left.
	const parent = "livecode-e2e-identity"
	t.Cleanup(func() {
		unmountUnder(work)
		proctest.RemoveCgroups(parent)
	})
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=1",
		fmt.Sprintf("SANDBOX_UID_BASE=%d", uidBase), "WORK_DIR="+work, "CGROUP_PARENT="+parent)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	probe := `for f in /proc/self/cgroup /proc/1/cmdline /proc/self/mountinfo; do echo "== $f"; tr '\0' ' ' < $f; echo; done`
	id := run(t, p.URL, newSession(t, p.URL, "bash", probe), nil)
	if e := await(ctx, t, p.URL, id); e.Status != "COMPLETED" {
		t.Fatalf("probe: %s %q", e.Status, e.Reason)
	}
	var full struct {
		Stdout string `json:"stdout"`
	}
	call(t, "GET", p.URL+"/executions/"+id, nil, &full)
	out := full.Stdout
	cgroups, _, _ := strings.Cut(strings.TrimPrefix(out, "== /proc/self/cgroup\n"), "== ")
	if strings.TrimSpace(cgroups) == "" {
		t.Fatalf("no cgroup lines in %q", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(cgroups), "\n") {
		if parts := strings.SplitN(line, ":", 3); len(parts) != 3 || parts[2] != "/" {
			t.Errorf("cgroup line %q: want the run's cgroup shown as /", line)
		}
	}
	_, cmdline, _ := strings.Cut(out, "== /proc/1/cmdline\n")
	cmdline, _, _ = strings.Cut(cmdline, "== ")
	pid := strconv.Itoa(p.cmd.Process.Pid)
	for _, tok := range strings.FieldsFunc(cgroups+cmdline, func(r rune) bool { return r < '0' || r > '9' }) {
		if tok == pid {
			t.Errorf("the service's pid %s shows:\n%s", pid, out)
		}
	}
	if strings.Contains(out, work) || strings.Contains(out, "/var/lib/livecode") {
		t.Errorf("a host work path shows:\n%s", out)
	}

	for _, code := range []string{
		":(){ :|:& };:\nsleep 2",
		"(setsid sleep 1000 &) ; (sleep 1000 &) ; echo started",
	} {
		id := run(t, p.URL, newSession(t, p.URL, "bash", code), map[string]any{"time_limit_ms": 3000, "max_processes": 32})
		if e := await(ctx, t, p.URL, id); !terminal(e.Status) {
			t.Fatalf("%q: %s", code, e.Status)
		}
	}
	// The run's teardown follows its result: wait for it, bounded.
	testsvc.Await(t, 20*time.Second, func() error {
		left, err := proctest.ByUID(uidBase, uidBase+1, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) > 0 {
			return fmt.Errorf("processes or zombies of the sandbox uid left: %v", left)
		}
		return nil
	})
	// A clean stop removes the process's instance: nothing is left under WORK_DIR.
	if code := p.stop(); code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
	if entries, _ := os.ReadDir(work); len(entries) > 0 {
		t.Errorf("left in WORK_DIR after a clean stop: %v", entries)
	}
}

// unmountUnder detaches every mount below dir, deepest first.
func unmountUnder(dir string) {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var points []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			points = append(points, f[4])
		}
	}
	for i := len(points) - 1; i >= 0; i-- {
		_ = syscall.Unmount(points[i], syscall.MNT_DETACH)
	}
}
