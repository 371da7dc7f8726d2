// Where runs go on the host: run parents below the service's own cgroup in each hierarchy, and a
// work root the sandbox uids can reach.

package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunParent(t *testing.T) {
	t.Parallel()
	own := parseCgroupFile("9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/user.slice/x.service\n")
	tests := []struct{ ctrl, parent, want string }{
		{"memory", "livecode-runs", "/process_api/abc/livecode-runs"},
		{"cpu", "livecode-runs", "/livecode-runs"},
		{"cpuacct", "a/b", "/a/b"},
		{"", "livecode-runs", "/user.slice/x.service/livecode-runs"},
		{"memory", "/abs/runs", "/abs/runs"},
	}
	for _, tt := range tests {
		if got := runParent(own[tt.ctrl], tt.parent); got != tt.want {
			t.Errorf("runParent(%q, %q) = %q, want %q", own[tt.ctrl], tt.parent, got, tt.want)
		}
	}
}

func TestWorkRootMustBeReachable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
		t.Fatal(err)
	}
	closed := filepath.Join(dir, "closed")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	err := makeWorkRoot(filepath.Join(closed, "runs"))
	if err == nil || !strings.Contains(err.Error(), closed+" is not searchable") {
		t.Fatalf("work root under a 0700 dir: %v, want refused naming %s", err, closed)
	}
	if err := makeWorkRoot(filepath.Join(dir, "open", "runs")); err != nil {
		t.Fatalf("work root under searchable dirs: %v", err)
	}
}

func TestOpaqueIDs(t *testing.T) {
	t.Parallel()
	a, b := opaqueID(), opaqueID()
	if a == b || !isOpaqueID(a) || !isOpaqueID(b) {
		t.Fatalf("opaqueID: %q, %q", a, b)
	}
	for _, name := range []string{"", "dev", "lock", "12345-71000-1-abcd", strings.Repeat("g", 32), "runsc-state"} {
		if isOpaqueID(name) {
			t.Errorf("isOpaqueID(%q): the sweep would take it for an instance or run", name)
		}
	}
}
