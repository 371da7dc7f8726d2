// Package proctest lists host processes by uid, for tests asserting that nothing of a run survives it.
package proctest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ByUID lists the pids of the host's processes whose real uid is in [from, to); zombies only
// when zombies is set. It returns an error when /proc cannot be read.
func ByUID(from, to int, zombies bool) ([]int, error) {
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
			continue // gone meanwhile
		}
		uid, zombie := -1, false
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) > 1 && f[0] == "Uid:":
				uid, _ = strconv.Atoi(f[1])
			case len(f) > 1 && f[0] == "State:":
				zombie = f[1] == "Z"
			}
		}
		if uid >= from && uid < to && (zombies || !zombie) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
