// The cgroup v1 driver, for legacy and hybrid hosts: memory (with swap), pids, cpu, cpuacct,
// freezer, each its own hierarchy in which this process may sit at a different path.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

const cgroupV1Root = "/sys/fs/cgroup"

// v1Controllers are the controllers a run's cgroup has, as named under /sys/fs/cgroup.
func v1Controllers() []string { return []string{"memory", "pids", "cpu", "cpuacct", "freezer"} }

type cgroupV1 struct {
	// Each map is by controller. Comounted controllers (cpu,cpuacct) share their directories,
	// which unique lists once.
	own    map[string]string // this process's cgroup path in the hierarchy
	mounts map[string]string // the hierarchy's mount, symlinks resolved
	parent map[string]string // the directory of the run parent
	inst   map[string]string // this process's instance directory below parent
	swap   bool              // memory.memsw.* exists: swap is accounted and limited with memory
}

func newCgroupV1(parent, instanceID string) (*cgroupV1, error) {
	own, err := ownCgroups()
	if err != nil {
		return nil, err
	}
	d := &cgroupV1{own: own, inst: map[string]string{}, mounts: map[string]string{}, parent: map[string]string{}}
	for _, c := range v1Controllers() {
		m, err := filepath.EvalSymlinks(filepath.Join(cgroupV1Root, c))
		if err != nil {
			return nil, fmt.Errorf("sandbox: the cgroup v1 %s controller is not mounted at %s/%s", c, cgroupV1Root, c)
		}
		if _, ok := own[c]; !ok {
			return nil, fmt.Errorf("sandbox: this process is in no cgroup of the v1 %s controller", c)
		}
		d.mounts[c] = m
		d.parent[c] = filepath.Join(m, runParent(own[c], parent))
		d.inst[c] = filepath.Join(d.parent[c], instanceID)
	}
	_, err = os.Stat(filepath.Join(d.mounts["memory"], "memory.memsw.limit_in_bytes"))
	d.swap = err == nil
	for _, dir := range d.unique(d.inst) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			_ = d.close()
			return nil, fmt.Errorf("sandbox: cannot create run cgroups under %s (set CGROUP_PARENT to a cgroup this process may write): %w",
				filepath.Dir(dir), err)
		}
	}
	return d, nil
}

// unique lists the distinct directories of a controller -> dir map.
func (d *cgroupV1) unique(dirs map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range v1Controllers() {
		if !seen[dirs[c]] {
			seen[dirs[c]] = true
			out = append(out, dirs[c])
		}
	}
	return out
}

// run is the cgroup of run name below the instance dirs of inst (this process's or, for the
// sweep, a dead one's).
func (d *cgroupV1) run(inst, name string) *runCgroupV1 {
	c := &runCgroupV1{dirs: map[string]string{}, own: map[string]string{}, swap: d.swap}
	for _, ctrl := range v1Controllers() {
		c.dirs[ctrl] = filepath.Join(d.parent[ctrl], inst, name)
		c.own[ctrl] = filepath.Join(d.mounts[ctrl], d.own[ctrl])
	}
	c.unique = d.unique(c.dirs)
	return c
}

func (d *cgroupV1) create(name string, l cgroupLimits) (runCgroup, error) {
	c := d.run(filepath.Base(d.inst["pids"]), name)
	for _, dir := range c.unique {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, errors.Join(err, c.remove())
		}
	}
	if err := c.limit(l); err != nil {
		return nil, errors.Join(err, c.remove())
	}
	return c, nil
}

// ociPath is the cgroupsPath of run name for runsc: relative to runsc's own cgroup in each
// controller (which is this process's) when the parent is, so that each controller gets its
// own path; a single absolute path would be right in one controller only.
func (d *cgroupV1) ociPath(parent, name string) string {
	return filepath.Join(parent, filepath.Base(d.inst["pids"]), name)
}

func (d *cgroupV1) sweepInstance(inst string) (int, error) {
	return sweepRuns(filepath.Join(d.parent["pids"], inst), func(name string) runCgroup { return d.run(inst, name) },
		func() error { return d.removeInstance(inst) })
}

func (d *cgroupV1) removeInstance(inst string) error {
	dirs := map[string]string{}
	for _, c := range v1Controllers() {
		dirs[c] = filepath.Join(d.parent[c], inst)
	}
	var errs []error
	for _, dir := range d.unique(dirs) {
		if err := rmdirCgroup(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (d *cgroupV1) close() error { return d.removeInstance(filepath.Base(d.inst["pids"])) }

type runCgroupV1 struct {
	dirs   map[string]string // controller -> the run's directory
	unique []string          // the distinct directories of dirs
	own    map[string]string // controller -> this process's cgroup directory
	swap   bool
}

// start starts cmd inside the run's cgroup, so that it is born there and a cgroup namespace it
// makes is rooted there. v1 lets one thread move alone: a locked thread of ours joins, forks
// cmd and returns to this process's cgroups.
func (c *runCgroupV1) start(cmd *exec.Cmd) error {
	return onLockedThread(func(tid int) (bool, error) {
		b := []byte(strconv.Itoa(tid))
		var err error
		for _, dir := range c.unique {
			if err = writeFile(filepath.Join(dir, "tasks"), b); err != nil {
				err = fmt.Errorf("join cgroup: %w", err)
				break
			}
		}
		if err == nil {
			err = cmd.Start()
		}
		back := true
		for _, ctrl := range v1Controllers() {
			if writeFile(filepath.Join(c.own[ctrl], "tasks"), b) != nil {
				back = false
			}
		}
		return back, err
	})
}

func (c *runCgroupV1) list() ([]int, error) {
	return readPids(filepath.Join(c.dirs["pids"], "cgroup.procs"))
}

func (c *runCgroupV1) empty() bool {
	pids, err := c.list()
	return err == nil && len(pids) == 0
}

func (c *runCgroupV1) kill() error {
	state := filepath.Join(c.dirs["freezer"], "freezer.state")
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

// peakFile is the memory cgroup's peak, swap included when it is accounted.
func (c *runCgroupV1) peakFile() string {
	if c.swap {
		return filepath.Join(c.dirs["memory"], "memory.memsw.max_usage_in_bytes")
	}
	return filepath.Join(c.dirs["memory"], "memory.max_usage_in_bytes")
}

func (c *runCgroupV1) usage() (cgroupUsage, error) {
	var u cgroupUsage
	ns, err := readInt(filepath.Join(c.dirs["cpuacct"], "cpuacct.usage"))
	if err != nil {
		return u, err
	}
	u.cpu = time.Duration(ns)
	if u.peakBytes, err = readInt(c.peakFile()); err != nil {
		return u, err
	}
	if u.oomKills, err = readKey(filepath.Join(c.dirs["memory"], "memory.oom_control"), "oom_kill"); err != nil {
		return u, err
	}
	// pids.events is missing on old kernels: then process_limit is never reported.
	u.pidsMax, _ = readKey(filepath.Join(c.dirs["pids"], "pids.events"), "max")
	return u, nil
}

func (c *runCgroupV1) limit(l cgroupLimits) error {
	mem := strconv.FormatInt(l.memoryBytes, 10)
	writes := [][2]string{
		{c.dirs["memory"] + "/memory.limit_in_bytes", mem},
		{c.dirs["pids"] + "/pids.max", strconv.FormatInt(l.pids, 10)},
	}
	if c.swap { // memsw = memory: no swap on top of the limit
		// memory may never exceed memsw: raising both, memsw goes first; lowering, memory does.
		memsw := [2]string{c.dirs["memory"] + "/memory.memsw.limit_in_bytes", mem}
		if cur, err := readInt(memsw[0]); err == nil && cur < l.memoryBytes {
			writes = append([][2]string{memsw}, writes...)
		} else {
			writes = append(writes, memsw)
		}
	}
	if l.cpus > 0 {
		writes = append(writes, [2]string{c.dirs["cpu"] + "/cpu.cfs_period_us", "100000"},
			[2]string{c.dirs["cpu"] + "/cpu.cfs_quota_us", strconv.Itoa(int(l.cpus * 100000))})
	}
	for _, w := range writes {
		if err := writeFile(w[0], []byte(w[1])); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(w[0]), err)
		}
	}
	return nil
}

// baseline resets the memory peak to the current usage (v1 allows it) and reads the counters.
func (c *runCgroupV1) baseline() (cgroupUsage, error) {
	if err := writeFile(c.peakFile(), []byte("0")); err != nil {
		return cgroupUsage{}, err
	}
	return c.usage()
}

// remove removes the run's directory in every controller; the kill has already emptied it.
func (c *runCgroupV1) remove() error {
	var errs []error
	for _, dir := range c.unique {
		if err := rmdirCgroup(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
