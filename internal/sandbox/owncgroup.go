// Where this process's own cgroups are: the run cgroups go below them (a delegated subtree),
// never at the root of the host's hierarchies unless the operator names an absolute parent.

package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ownCgroups parses /proc/self/cgroup: the path of this process's cgroup in each v1
// controller (by controller name, comounted ones listed under each name) and, under "", in
// the v2 hierarchy. The paths are relative to the hierarchies' roots as mounted here.
func ownCgroups() (map[string]string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, fmt.Errorf("sandbox: own cgroup: %w", err)
	}
	return parseCgroupFile(string(b)), nil
}

func parseCgroupFile(s string) map[string]string {
	own := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			own[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			own[c] = parts[2]
		}
	}
	return own
}

// runParent is where run cgroups go in a hierarchy in which this process is at own: parent
// when it is absolute, else parent below own.
func runParent(own, parent string) string {
	if filepath.IsAbs(parent) {
		return filepath.Clean(parent)
	}
	return filepath.Join("/", own, parent)
}
