// The start-up sweep: what runs of a crashed earlier process left behind (tmpfs mounts under the
// work root, run cgroups) is removed when a Sandbox is made.
package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// creatorPid is the pid a run's work dir or cgroup name starts with ("<pid>-<uid>-<seq>-<rand>"),
// or 0 when the name is not one of ours.
func creatorPid(name string) int {
	head, _, ok := strings.Cut(name, "-")
	if !ok {
		return 0
	}
	pid, err := strconv.Atoi(head)
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// stale reports whether name belongs to a run of a process that is gone. Another live process
// may share the work root and cgroup parent: its runs are left alone. A reused pid only delays
// the sweep of a leftover until a later start.
func stale(name string) bool {
	pid := creatorPid(name)
	if pid == 0 || pid == os.Getpid() {
		return false
	}
	return errors.Is(unix.Kill(pid, 0), unix.ESRCH)
}

// sweepWorkRoot detaches the tmpfs of every stale run under root and removes its mount point.
// Nothing inside is read or followed: the detach drops the whole tmpfs.
func sweepWorkRoot(root string) (int, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, fmt.Errorf("sandbox: sweep %s: %w", root, err)
	}
	var n int
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !stale(e.Name()) { // ReadDir does not follow symlinks
			continue
		}
		w := &workDir{path: filepath.Join(root, e.Name())}
		if err := w.remove(); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// sweepCgroups kills what is left in every stale run cgroup under dir (one controller's view of
// the run parent) and removes it with open(name).
func sweepCgroups(dir string, open func(name string) runCgroup) (int, error) {
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
		if !e.IsDir() || !stale(e.Name()) {
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
	return n, errors.Join(errs...)
}

// sweepLeftovers sweeps the work root and the run cgroups. A failure is logged, not returned:
// a leftover the sweep cannot remove costs some memory, not the service.
func sweepLeftovers(cfg Config, driver cgroupDriver) {
	mounts, err := sweepWorkRoot(cfg.WorkRoot)
	if err != nil {
		cfg.Logger.Warn("sandbox: sweeping leftover work dirs", "err", err)
	}
	cgroups, err := driver.sweep()
	if err != nil {
		cfg.Logger.Warn("sandbox: sweeping leftover cgroups", "err", err)
	}
	if mounts+cgroups > 0 {
		cfg.Logger.Info("sandbox: removed leftovers of an earlier process", "work_dirs", mounts, "cgroups", cgroups)
	}
}
