// The cgroup v2 driver, for unified hosts: memory (with swap), pids and cpu in one hierarchy.
package sandbox

import (
	"path/filepath"
	"time"

	"github.com/containerd/cgroups/v3/cgroup2"
)

const cgroupV2Root = "/sys/fs/cgroup"

type cgroupV2 struct{ parent string }

func newCgroupV2(parent string) (*cgroupV2, error) {
	return &cgroupV2{parent: filepath.Join("/", parent)}, nil
}

func (d *cgroupV2) create(name string, l cgroupLimits) (runCgroup, error) {
	group := filepath.Join(d.parent, name)
	zero := int64(0)
	res := &cgroup2.Resources{
		Memory: &cgroup2.Memory{Max: &l.memoryBytes, Swap: &zero},
		Pids:   &cgroup2.Pids{Max: l.pids},
	}
	if l.cpus > 0 {
		period := uint64(100000)
		quota := int64(l.cpus * float64(period))
		res.CPU = &cgroup2.CPU{Max: cgroup2.NewCPUMax(&quota, &period)}
	}
	if _, err := cgroup2.NewManager(cgroupV2Root, group, res); err != nil {
		return nil, err
	}
	return &runCgroupV2{dir: filepath.Join(cgroupV2Root, group)}, nil
}

func (d *cgroupV2) sweep() (int, error) {
	return sweepCgroups(filepath.Join(cgroupV2Root, d.parent), func(name string) runCgroup {
		return &runCgroupV2{dir: filepath.Join(cgroupV2Root, d.parent, name)}
	})
}

type runCgroupV2 struct{ dir string }

func (c *runCgroupV2) procFiles() []string { return []string{filepath.Join(c.dir, "cgroup.procs")} }

func (c *runCgroupV2) list() ([]int, error) { return readPids(filepath.Join(c.dir, "cgroup.procs")) }

func (c *runCgroupV2) empty() bool {
	pids, err := c.list()
	return err == nil && len(pids) == 0
}

// kill uses cgroup.kill (Linux 5.14+) when the kernel has it, then SIGKILLs whatever is
// still listed until the cgroup is empty.
func (c *runCgroupV2) kill() error {
	_ = writeFile(filepath.Join(c.dir, "cgroup.kill"), []byte("1"))
	return killLoop(c.list, nil, nil)
}

func (c *runCgroupV2) usage() (cgroupUsage, error) {
	var u cgroupUsage
	usec, err := readKey(filepath.Join(c.dir, "cpu.stat"), "usage_usec")
	if err != nil {
		return u, err
	}
	u.cpu = time.Duration(usec) * time.Microsecond
	// memory.peak exists from Linux 5.19; before it, peak memory is unknown (0).
	u.peakBytes, _ = readInt(filepath.Join(c.dir, "memory.peak"))
	if u.oomKills, err = readKey(filepath.Join(c.dir, "memory.events"), "oom_kill"); err != nil {
		return u, err
	}
	u.pidsMax, _ = readKey(filepath.Join(c.dir, "pids.events"), "max")
	return u, nil
}

func (c *runCgroupV2) remove() error { return rmdirCgroup(c.dir) }
