// Package proctest finds what a run may leave on the host (processes by uid, cgroups below a
// parent), for tests asserting that nothing of it survives.
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

// CgroupDirs lists the directories of the run parent named parent in each cgroup hierarchy
// (one per v1 controller livecode uses, or the v2 one), below this process's own cgroup there,
// where livecode (this process, or a child in the same cgroups) puts it; on v2, below the cgroup
// whose "service" leaf this process was moved into, as the sandbox does.
func CgroupDirs(parent string) []string {
	b, _ := os.ReadFile("/proc/self/cgroup")
	var dirs []string
	for _, line := range strings.Split(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, ctrl := range strings.Split(parts[1], ",") {
			switch ctrl {
			case "memory", "pids", "cpu", "cpuacct", "freezer":
				dirs = append(dirs, filepath.Join("/sys/fs/cgroup", ctrl, parts[2], parent))
			case "":
				if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
					own := parts[2]
					if filepath.Base(own) == "service" { // v2: moved into its leaf by a sandbox
						own = filepath.Dir(own)
					}
					dirs = append(dirs, filepath.Join("/sys/fs/cgroup", own, parent))
				}
			}
		}
	}
	return dirs
}

// RemoveCgroups removes the (empty) instance cgroups below parent, then parent, in every
// hierarchy: what a killed livecode process leaves.
func RemoveCgroups(parent string) {
	for _, dir := range CgroupDirs(parent) {
		inner, _ := filepath.Glob(filepath.Join(dir, "*", "cgroup.procs"))
		for _, f := range inner {
			_ = os.Remove(filepath.Dir(f))
		}
		_ = os.Remove(dir)
	}
}
