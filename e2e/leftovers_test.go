// A service with a sandbox of its own (uids, work root, compile cache), and what its runs may leave
// on the host: processes of its sandbox uids, run cgroups, work dirs.
package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"livecode/internal/testsvc"
)

// uidProcesses lists the live host pids whose real uid is one of base..base+n-1.
func uidProcesses(t *testing.T, base, n int) []int {
	t.Helper()
	pids, err := testsvc.UIDProcesses(base, n)
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

// runCgroupsOf lists the run cgroups, under the default parent of every controller, that the
// service process pid made: their names start with its pid.
func runCgroupsOf(pid int) []string {
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", "livecode", strconv.Itoa(pid)+"-*"))
	more, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "livecode", strconv.Itoa(pid)+"-*"))
	return append(dirs, more...)
}

// serveOwnSandbox starts `livecode serve` with workers slots on uids from uidBase, its database,
// work root (TMPDIR) and compile cache in a temporary directory, which it returns.
func serveOwnSandbox(t *testing.T, uidBase, workers int, env ...string) (*proc, string) {
	t.Helper()
	tmp := t.TempDir()
	for _, d := range []string{filepath.Dir(tmp), tmp} { // the sandbox uids traverse the work root's parents
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	env = append([]string{"DATABASE_URL=sqlite:" + filepath.Join(tmp, "db.sqlite"), "WORKERS=" + strconv.Itoa(workers),
		"TMPDIR=" + tmp, "SANDBOX_UID_BASE=" + strconv.Itoa(uidBase), "COMPILE_CACHE_DIR=" + filepath.Join(tmp, "cache")}, env...)
	return start(t, "serve", env...), tmp
}
