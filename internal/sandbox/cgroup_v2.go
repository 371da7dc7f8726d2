// The cgroup v2 driver, for unified hosts: memory (with swap), pids and cpu in one hierarchy.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

const cgroupV2Root = "/sys/fs/cgroup"

// v2Controllers are the controllers every run cgroup needs.
func v2Controllers() []string { return []string{"memory", "pids", "cpu"} }

type cgroupV2 struct {
	parent string // directory of the run parent
	inst   string // this process's instance directory below parent
}

// newCgroupV2 makes the instance cgroup below the run parent. With a parent relative to this
// process's cgroup, v2's no-internal-processes rule applies: a cgroup that hands controllers to
// its children holds no process itself, so this process first moves into the leaf
// <own>/service (a cgroup of that name is taken for that leaf). The root cgroup is exempt and
// stays as it is.
func newCgroupV2(parent, instanceID string) (*cgroupV2, error) {
	own, err := ownCgroups()
	if err != nil {
		return nil, err
	}
	base := own[""]
	if filepath.Base(base) == "service" {
		base = filepath.Dir(base) // moved into our leaf by an earlier Sandbox of this process
	}
	ownDir := filepath.Join(cgroupV2Root, base)
	d := &cgroupV2{parent: filepath.Join(cgroupV2Root, runParent(base, parent))}
	d.inst = filepath.Join(d.parent, instanceID)
	// Every directory from the first that delegates controllers down to the instance.
	var chain []string
	if filepath.IsAbs(parent) {
		chain = []string{d.parent, d.inst}
	} else {
		if base != "/" {
			if err := enterLeaf(ownDir); err != nil {
				return nil, err
			}
		}
		chain = []string{ownDir, d.parent, d.inst}
	}
	for _, dir := range chain {
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			_ = d.close()
			return nil, fmt.Errorf("sandbox: cannot create run cgroups under %s (set CGROUP_PARENT to a cgroup this process may write): %w",
				filepath.Dir(dir), err)
		}
		if err := delegate(dir); err != nil {
			_ = d.close()
			return nil, err
		}
	}
	return d, nil
}

// enterLeaf moves this process (every thread) into <dir>/service.
func enterLeaf(dir string) error {
	leaf := filepath.Join(dir, "service")
	if err := os.Mkdir(leaf, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("sandbox: cannot create the service's leaf cgroup %s: %w", leaf, err)
	}
	if err := writeFile(filepath.Join(leaf, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid()))); err != nil {
		return fmt.Errorf("sandbox: cannot move the service into its leaf cgroup %s: %w", leaf, err)
	}
	return nil
}

// delegate enables the run controllers for dir's children, after checking dir has them.
func delegate(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return fmt.Errorf("sandbox: cgroup %s: %w", dir, err)
	}
	have := strings.Fields(string(b))
	var missing, enable []string
	for _, c := range v2Controllers() {
		if !slices.Contains(have, c) {
			missing = append(missing, c)
		}
		enable = append(enable, "+"+c)
	}
	if len(missing) > 0 {
		return fmt.Errorf("sandbox: cgroup %s lacks the %s controller(s): delegate them to livecode's cgroup (systemd Delegate=yes)",
			dir, strings.Join(missing, ", "))
	}
	if err := writeFile(filepath.Join(dir, "cgroup.subtree_control"), []byte(strings.Join(enable, " "))); err != nil {
		return fmt.Errorf("sandbox: cannot enable %s for the children of cgroup %s (does another process share it? "+
			"give livecode a cgroup of its own (systemd Delegate=yes, a container, systemd-run --scope -p Delegate=yes) "+
			"or set CGROUP_PARENT to an absolute cgroup path): %w", strings.Join(v2Controllers(), ", "), dir, err)
	}
	return nil
}

func (d *cgroupV2) create(name string, l cgroupLimits) (runCgroup, error) {
	c := &runCgroupV2{dir: filepath.Join(d.inst, name)}
	if err := os.Mkdir(c.dir, 0o755); err != nil {
		return nil, err
	}
	if err := c.limit(l); err != nil {
		return nil, errors.Join(err, c.remove())
	}
	return c, nil
}

// ociPath is the cgroupsPath of run name for runsc: absolute, as this process may have moved
// into its leaf and runsc, its child, with it.
func (d *cgroupV2) ociPath(_, name string) string {
	return strings.TrimPrefix(filepath.Join(d.inst, name), cgroupV2Root)
}

func (d *cgroupV2) sweepInstance(inst string) (int, error) {
	dir := filepath.Join(d.parent, inst)
	return sweepRuns(dir, func(name string) runCgroup { return &runCgroupV2{dir: filepath.Join(dir, name)} },
		func() error { return rmdirCgroup(dir) })
}

func (d *cgroupV2) close() error { return rmdirCgroup(d.inst) }

type runCgroupV2 struct{ dir string }

// start starts cmd born inside the run's cgroup (clone3 with CLONE_INTO_CGROUP), so that a
// cgroup namespace it makes is rooted there.
func (c *runCgroupV2) start(cmd *exec.Cmd) error {
	fd, err := unix.Open(c.dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open cgroup: %w", err)
	}
	defer unix.Close(fd)
	cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, fd
	return cmd.Start()
}

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

func (c *runCgroupV2) limit(l cgroupLimits) error {
	writes := [][2]string{
		{"memory.max", strconv.FormatInt(l.memoryBytes, 10)},
		{"memory.swap.max", "0"},
		{"pids.max", strconv.FormatInt(l.pids, 10)},
	}
	if l.cpus > 0 {
		writes = append(writes, [2]string{"cpu.max", strconv.Itoa(int(l.cpus*100000)) + " 100000"})
	}
	for _, w := range writes {
		err := writeFile(filepath.Join(c.dir, w[0]), []byte(w[1]))
		if err != nil && !(w[0] == "memory.swap.max" && errors.Is(err, os.ErrNotExist)) { // no swap accounting: no swap
			return fmt.Errorf("%s: %w", w[0], err)
		}
	}
	return nil
}

func (c *runCgroupV2) baseline() (cgroupUsage, error) { return c.usage() }

func (c *runCgroupV2) remove() error { return rmdirCgroup(c.dir) }
