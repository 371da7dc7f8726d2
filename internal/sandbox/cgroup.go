// Per-run control groups: the limits a run starts under and the accounting read after it.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/cgroups/v3"
	"golang.org/x/sys/unix"
)

// cgroupLimits are the resource limits of one run's cgroup.
type cgroupLimits struct {
	memoryBytes int64
	pids        int64
	cpus        float64 // CPU bandwidth in cores; 0 means unlimited
}

// cgroupUsage is what a run's cgroup accounted.
type cgroupUsage struct {
	cpu       time.Duration
	peakBytes int64
	oomKills  int64
	pidsMax   int64 // times a fork was refused by pids.max
}

// runCgroup is one run's fresh cgroup.
type runCgroup interface {
	// start starts cmd born inside the cgroup: a cgroup namespace it makes is rooted there, so
	// the program sees its own cgroup as "/".
	start(cmd *exec.Cmd) error
	// empty reports whether no process is left in the cgroup.
	empty() bool
	// kill kills every process in the cgroup and waits until it is empty.
	kill() error
	usage() (cgroupUsage, error)
	// baseline returns the counters a run's usage excludes, taken as its program is released:
	// what the jail's setup used. v1 resets the memory peak as well; v2 cannot (memory.peak
	// has no reset before Linux 6.12), so there the peak includes bubblewrap's setup.
	baseline() (cgroupUsage, error)
	// limit sets the cgroup's limits.
	limit(l cgroupLimits) error
	remove() error
}

// since is u without what the counters held at base; the peak is what it is.
func (u cgroupUsage) since(base cgroupUsage) cgroupUsage {
	u.cpu -= base.cpu
	u.oomKills -= base.oomKills
	u.pidsMax -= base.pidsMax
	return u
}

// cgroupDriver creates run cgroups on one kind of host, as <parent>/<instance>/<run>: the
// instance level is this process's, so a later start tells its runs from those of a process
// still running without a pid in any name.
type cgroupDriver interface {
	create(name string, l cgroupLimits) (runCgroup, error)
	// ociPath is the OCI cgroupsPath of run name, given the configured parent.
	ociPath(parent, name string) string
	// sweepInstance kills and removes the run cgroups of instance inst, a process that is
	// gone, then its instance cgroup, and reports how many runs it removed.
	sweepInstance(inst string) (int, error)
	// close removes this process's (empty) instance cgroup.
	close() error
}

// newCgroupDriver picks the v1 driver on legacy and hybrid hosts (the controllers are v1 there) and
// the v2 driver on unified hosts, and makes this process's instance cgroup.
func newCgroupDriver(parent, instanceID string) (cgroupDriver, error) {
	switch cgroups.Mode() {
	case cgroups.Legacy, cgroups.Hybrid:
		return newCgroupV1(parent, instanceID)
	case cgroups.Unified:
		return newCgroupV2(parent, instanceID)
	}
	return nil, fmt.Errorf("sandbox: no cgroup hierarchy mounted at /sys/fs/cgroup")
}

// killLoop SIGKILLs every pid listed by list until the list stays empty, within a deadline.
func killLoop(list func() ([]int, error), freeze, thaw func() error) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids, err := list()
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sandbox: %d processes survive in the run cgroup", len(pids))
		}
		// Frozen processes cannot fork between the listing and the kill; SIGKILL still reaches
		// them and takes effect on thaw.
		if freeze != nil {
			_ = freeze()
			if pids, err = list(); err != nil {
				return err
			}
		}
		for _, pid := range pids {
			_ = killPid(pid)
		}
		if thaw != nil {
			_ = thaw()
		}
		time.Sleep(time.Millisecond)
	}
}

// rmdirCgroup removes an empty cgroup directory. A task that has just exited can keep it busy
// for a moment, so EBUSY is retried briefly; a missing directory is not an error.
func rmdirCgroup(dir string) error {
	for i := 0; ; i++ {
		err := unix.Rmdir(dir)
		switch {
		case err == nil || errors.Is(err, unix.ENOENT):
			return nil
		case !errors.Is(err, unix.EBUSY) || i == 100:
			return fmt.Errorf("sandbox: remove cgroup %s: %w", dir, err)
		}
		time.Sleep(time.Duration(i+1) * 100 * time.Microsecond)
	}
}

// readPids parses a cgroup.procs file.
func readPids(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// readInt reads a file holding one integer.
func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// readKey reads the value of key from a flat keyed file ("key value" lines); missing means 0.
func readKey(path, key string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, " ")
		if ok && k == key {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, nil
}

func killPid(pid int) error { return unix.Kill(pid, unix.SIGKILL) }
