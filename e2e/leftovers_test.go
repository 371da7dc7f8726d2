// A service with a sandbox of its own (uids, cgroup parent, work root, compile cache), and what its runs may leave
// on the host: processes of its sandbox uids, run cgroups, work dirs.
package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"livecode/internal/proctest"
)

// uidProcesses lists the live host pids whose real uid is one of base..base+n-1.
func uidProcesses(t *testing.T, base, n int) []int {
	t.Helper()
	pids, err := proctest.ByUID(base, base+n, false)
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

// cgroupControllers are the hierarchies a run cgroup may be made in: v1's controllers, or the
// unified v2 root.
var cgroupControllers = []string{"memory", "pids", "cpu", "cpuacct", "freezer", "unified", ""}

// runCgroupsUnder lists every cgroup left under parent, in every hierarchy.
func runCgroupsUnder(parent string) []string {
	var left []string
	for _, ctrl := range cgroupControllers {
		root := filepath.Join("/sys/fs/cgroup", ctrl, parent)
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() && path != root {
				left = append(left, path)
			}
			return nil
		})
	}
	return left
}

// removeCgroupParent removes a test's (empty) run parent from every hierarchy.
func removeCgroupParent(parent string) {
	for _, ctrl := range cgroupControllers {
		_ = os.Remove(filepath.Join("/sys/fs/cgroup", ctrl, parent))
	}
}

// serveOwnSandbox starts `livecode serve` with workers slots on uids from uidBase, its run
// cgroups under a parent of its own at the root of each hierarchy (returned), its database, work
// dir (runs) and compile cache in a temporary directory (returned).
func serveOwnSandbox(t *testing.T, uidBase, workers int, env ...string) (p *proc, parent, tmp string) {
	t.Helper()
	parent = "livecode-e2e-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(uidBase)
	t.Cleanup(func() { removeCgroupParent(parent) })
	tmp = t.TempDir()
	for _, d := range []string{filepath.Dir(tmp), tmp} { // the sandbox uids traverse the work root's parents
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	env = append([]string{"DATABASE_URL=sqlite:" + filepath.Join(tmp, "db.sqlite"), "WORKERS=" + strconv.Itoa(workers),
		"TMPDIR=" + tmp, "SANDBOX_UID_BASE=" + strconv.Itoa(uidBase), "COMPILE_CACHE_DIR=" + filepath.Join(tmp, "cache"),
		"CGROUP_PARENT=/" + parent, "WORK_DIR=" + filepath.Join(tmp, "runs")}, env...)
	return start(t, "serve", env...), parent, tmp
}
