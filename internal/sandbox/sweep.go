// The start-up sweep: what the runs of a process that is gone left behind (tmpfs mounts under its
// instance dir, run cgroups) is removed when a Sandbox is made. A process is gone when the lock
// in its instance dir can be taken; nothing outside the work root and the run parent is touched.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// sweepRuns kills what is left in every run cgroup under dir (an instance cgroup of a process
// that is gone, one controller's view), removes each with open(name), then the instance with
// removeInstance.
func sweepRuns(dir string, open func(name string) runCgroup, removeInstance func() error) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sandbox: sweep %s: %w", dir, err)
	}
	var n int
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !isOpaqueID(e.Name()) {
			continue
		}
		cg := open(e.Name())
		if !cg.empty() {
			if err := cg.kill(); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := cg.remove(); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if err := errors.Join(errs...); err != nil {
		return n, err
	}
	return n, removeInstance()
}

// sweepInstances removes the instances under workRoot whose process is gone: their run
// cgroups first (killing what is left in them), then their work dirs. The lock is held
// throughout, so two starting processes never sweep the same instance.
func sweepInstances(workRoot string, driver cgroupDriver) (instances, runs int, err error) {
	entries, err := os.ReadDir(workRoot)
	if err != nil {
		return 0, 0, fmt.Errorf("sandbox: sweep %s: %w", workRoot, err)
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !isOpaqueID(e.Name()) { // ReadDir does not follow symlinks
			continue
		}
		dir := filepath.Join(workRoot, e.Name())
		lock, err := lockInstance(dir, 0)
		if err != nil {
			continue // alive, or not an instance
		}
		n, err := driver.sweepInstance(e.Name())
		runs += n
		if err == nil {
			_, err = removeInstanceDir(dir)
		}
		lock.Close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		instances++
	}
	return instances, runs, errors.Join(errs...)
}

// sweepLeftovers sweeps the work root and the run cgroups. A failure is logged, not returned:
// a leftover the sweep cannot remove costs some memory, not the service.
func sweepLeftovers(cfg Config, driver cgroupDriver) {
	instances, runs, err := sweepInstances(cfg.WorkRoot, driver)
	if err != nil {
		cfg.Logger.Warn("sandbox: sweeping leftovers of earlier processes", "err", err)
	}
	if instances > 0 {
		cfg.Logger.Info("sandbox: removed leftovers of earlier processes", "instances", instances, "run_cgroups", runs)
	}
}
