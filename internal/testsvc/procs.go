// Host processes of a range of uids: what tests of the sandbox check is gone after a run.
package testsvc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// UIDProcesses lists the host pids whose real uid is in [base, base+n). Zombies are left out:
// bubblewrap's reaper can outlive its parent by a moment, already dead, until the host's init
// collects it. It returns an error only when /proc cannot be listed.
func UIDProcesses(base, n int) ([]int, error) {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", d.Name(), "status"))
		if err != nil {
			continue // gone since the listing
		}
		var uid int
		var zombie bool
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) > 1 && f[0] == "Uid:":
				uid, _ = strconv.Atoi(f[1])
			case len(f) > 1 && f[0] == "State:":
				zombie = f[1] == "Z"
			}
		}
		if uid >= base && uid < base+n && !zombie {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
