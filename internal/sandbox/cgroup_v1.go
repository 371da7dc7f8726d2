// The cgroup v1 driver, for legacy and hybrid hosts: memory (with swap), pids, cpu, cpuacct, freezer.
package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/cgroups/v3/cgroup1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const cgroupV1Root = "/sys/fs/cgroup"

type cgroupV1 struct {
	parent string
	swap   bool // memory.memsw.* exists: swap is accounted and limited with memory
}

func newCgroupV1(parent string) (*cgroupV1, error) {
	if _, err := os.Stat(filepath.Join(cgroupV1Root, "memory", "memory.limit_in_bytes")); err != nil {
		return nil, errors.New("sandbox: cgroup v1 memory controller not mounted")
	}
	if _, err := os.Stat(filepath.Join(cgroupV1Root, "pids")); err != nil {
		return nil, errors.New("sandbox: cgroup v1 pids controller not mounted")
	}
	_, err := os.Stat(filepath.Join(cgroupV1Root, "memory", "memory.memsw.limit_in_bytes"))
	return &cgroupV1{parent: filepath.Join("/", parent), swap: err == nil}, nil
}

// v1Controllers are the controllers a run's cgroup has, as named under /sys/fs/cgroup.
func v1Controllers() []string { return []string{"memory", "pids", "cpu", "cpuacct", "freezer"} }

// hierarchy limits the run cgroup to the controllers it needs: fewer mkdirs per run.
func (d *cgroupV1) hierarchy() ([]cgroup1.Subsystem, error) {
	return []cgroup1.Subsystem{
		cgroup1.NewMemory(cgroupV1Root, cgroup1.OptionalSwap()),
		cgroup1.NewPids(cgroupV1Root),
		cgroup1.NewCpu(cgroupV1Root),
		cgroup1.NewCpuacct(cgroupV1Root),
		cgroup1.NewFreezer(cgroupV1Root),
	}, nil
}

func (d *cgroupV1) create(name string, l cgroupLimits) (runCgroup, error) {
	path := filepath.Join(d.parent, name)
	mem := &specs.LinuxMemory{Limit: &l.memoryBytes}
	if d.swap {
		mem.Swap = &l.memoryBytes // memsw = memory: no swap on top of the limit
	}
	res := &specs.LinuxResources{Memory: mem, Pids: &specs.LinuxPids{Limit: &l.pids}}
	if l.cpus > 0 {
		period := uint64(100000)
		quota := int64(l.cpus * float64(period))
		res.CPU = &specs.LinuxCPU{Quota: &quota, Period: &period}
	}
	_, err := cgroup1.New(cgroup1.StaticPath(path), res, cgroup1.WithHierarchy(d.hierarchy))
	if err != nil {
		// Remove what was created before the failure.
		if cg2, lerr := cgroup1.Load(cgroup1.StaticPath(path), cgroup1.WithHierarchy(d.hierarchy)); lerr == nil {
			_ = cg2.Delete()
		}
		return nil, err
	}
	return &runCgroupV1{dir: func(ctrl string) string { return filepath.Join(cgroupV1Root, ctrl, path) }, swap: d.swap}, nil
}

func (d *cgroupV1) sweep() (int, error) {
	// A run's cgroup exists in every controller; the pids view lists them all, and remove
	// takes each name out of every controller.
	return sweepCgroups(filepath.Join(cgroupV1Root, "pids", d.parent), func(name string) runCgroup {
		path := filepath.Join(d.parent, name)
		return &runCgroupV1{dir: func(ctrl string) string { return filepath.Join(cgroupV1Root, ctrl, path) }, swap: d.swap}
	})
}

type runCgroupV1 struct {
	dir  func(ctrl string) string
	swap bool
}

func (c *runCgroupV1) procFiles() []string {
	var files []string
	for _, ctrl := range v1Controllers() {
		files = append(files, filepath.Join(c.dir(ctrl), "cgroup.procs"))
	}
	return files
}

func (c *runCgroupV1) list() ([]int, error) {
	return readPids(filepath.Join(c.dir("pids"), "cgroup.procs"))
}

func (c *runCgroupV1) empty() bool {
	pids, err := c.list()
	return err == nil && len(pids) == 0
}

func (c *runCgroupV1) kill() error {
	state := filepath.Join(c.dir("freezer"), "freezer.state")
	freeze := func() error {
		if err := os.WriteFile(state, []byte("FROZEN"), 0); err != nil {
			return err
		}
		for range 50 { // bounded: a task stuck in the kernel must not hang the worker
			if b, err := os.ReadFile(state); err == nil && string(b) == "FROZEN\n" {
				return nil
			}
			time.Sleep(time.Millisecond)
		}
		return nil
	}
	thaw := func() error { return os.WriteFile(state, []byte("THAWED"), 0) }
	return killLoop(c.list, freeze, thaw)
}

func (c *runCgroupV1) usage() (cgroupUsage, error) {
	var u cgroupUsage
	ns, err := readInt(filepath.Join(c.dir("cpuacct"), "cpuacct.usage"))
	if err != nil {
		return u, err
	}
	u.cpu = time.Duration(ns)
	peak := "memory.max_usage_in_bytes"
	if c.swap {
		peak = "memory.memsw.max_usage_in_bytes"
	}
	if u.peakBytes, err = readInt(filepath.Join(c.dir("memory"), peak)); err != nil {
		return u, err
	}
	if u.oomKills, err = readKey(filepath.Join(c.dir("memory"), "memory.oom_control"), "oom_kill"); err != nil {
		return u, err
	}
	// pids.events is missing on old kernels: then process_limit is never reported.
	u.pidsMax, _ = readKey(filepath.Join(c.dir("pids"), "pids.events"), "max")
	return u, nil
}

// remove removes the run's directory in every controller. The library's Delete walks each
// directory's files first, which costs a millisecond per run; the kill has already emptied it.
func (c *runCgroupV1) remove() error {
	var errs []error
	for _, ctrl := range v1Controllers() {
		if err := rmdirCgroup(c.dir(ctrl)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
