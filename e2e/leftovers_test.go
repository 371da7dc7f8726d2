// What a service's runs may leave on the host: processes of its sandbox uids, run cgroups.
package e2e

import (
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
