// The gVisor level: the same jail (read-only toolchain paths, the run's tmpfs, uid, rlimits,
// no network, the run's cgroup) as an OCI bundle run by runsc.

package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// gvisorThreads is the allowance of the cgroup's pids limit for gVisor's own threads.
const gvisorThreads = 256

// gvisorDirs are the runsc state directory and the shared read-only root of every container,
// kept under the work root (their names hold no pid, so the sweep leaves them alone).
func gvisorDirs(workRoot string) (state, rootfs string) {
	return filepath.Join(workRoot, "runsc-state"), filepath.Join(workRoot, "runsc-rootfs")
}

// prepareRootfs makes the containers' root: mount points for the toolchain paths and the
// run's dirs, and the merged-/usr symlinks.
func prepareRootfs(rootfs string, paths []string) error {
	for _, d := range []string{rootfs, filepath.Join(rootfs, "work"), filepath.Join(rootfs, "tmp"),
		filepath.Join(rootfs, "proc"), filepath.Join(rootfs, "dev")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	for _, p := range paths {
		if err := mountPoint(rootfs, p); err != nil {
			return err
		}
	}
	return nil
}

// mountPoint creates in rootfs what host path p becomes: a symlink for a top-level symlink, a
// directory to mount p on, or for a file a copy of it (this runsc cannot bind-mount files).
func mountPoint(rootfs, p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return nil // not on this host: not mounted
	}
	dst := filepath.Join(rootfs, p)
	if fi.Mode().IsRegular() {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	}
	if fi, err = os.Lstat(p); err != nil {
		return nil
	}
	if _, err := os.Lstat(dst); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0 && filepath.Dir(p) == "/":
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case fi.IsDir() || fi.Mode()&os.ModeSymlink != 0:
		return os.Mkdir(dst, 0o755)
	}
	return nil // neither a file nor a directory: not mounted
}

// ociSpec is the container of step j, its cgroup allowing pids tasks.
func (s *Sandbox) ociSpec(j step, rootfs, cgroupsPath string, langMounts []string, pids int64) *specs.Spec {
	mounts := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=755"}},
		{Destination: "/work", Type: "bind", Source: filepath.Join(j.dir, "work"), Options: []string{"rbind", "rw", "nosuid", "nodev"}},
		{Destination: "/tmp", Type: "bind", Source: filepath.Join(j.dir, "tmp"), Options: []string{"rbind", "rw", "nosuid", "nodev"}},
	}
	for _, p := range append(hostPaths(), langMounts...) {
		fi, err := os.Lstat(p)
		if err != nil || (fi.Mode()&os.ModeSymlink != 0 && filepath.Dir(p) == "/") {
			continue // missing, or a symlink in the root
		}
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue // files are copied into the root
		}
		mounts = append(mounts, specs.Mount{Destination: p, Type: "bind", Source: p, Options: []string{"rbind", "ro", "nosuid", "nodev"}})
	}
	var rlimits []specs.POSIXRlimit
	for _, r := range s.rlimits(j.limits) {
		if r.Resource == unix.RLIMIT_NPROC {
			// Every process of the program is at least one host task of the cgroup (its
			// address space's stub), and the sentry's threads are more: with the sentry's
			// own count no lower than the cgroup's, a fork is refused by pids.max first,
			// which the host sees and reports as process_limit.
			r.Limit = uint64(pids)
		}
		rlimits = append(rlimits, specs.POSIXRlimit{Type: rlimitName(r.Resource), Hard: r.Limit, Soft: r.Limit})
	}
	return &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			User:            specs.User{UID: uint32(j.uid), GID: uint32(j.uid)},
			Args:            j.argv,
			Env:             j.env,
			Cwd:             "/work",
			NoNewPrivileges: true,
			Rlimits:         rlimits,
			Capabilities:    &specs.LinuxCapabilities{},
		},
		Root:     &specs.Root{Path: rootfs, Readonly: true},
		Hostname: "livecode",
		Mounts:   mounts,
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace},
				{Type: specs.IPCNamespace}, {Type: specs.UTSNamespace}, {Type: specs.MountNamespace}},
			CgroupsPath: cgroupsPath,
		},
	}
}

func rlimitName(r int) string {
	switch r {
	case unix.RLIMIT_CPU:
		return "RLIMIT_CPU"
	case unix.RLIMIT_FSIZE:
		return "RLIMIT_FSIZE"
	case unix.RLIMIT_NOFILE:
		return "RLIMIT_NOFILE"
	case unix.RLIMIT_STACK:
		return "RLIMIT_STACK"
	case unix.RLIMIT_CORE:
		return "RLIMIT_CORE"
	case unix.RLIMIT_NPROC:
		return "RLIMIT_NPROC"
	}
	return fmt.Sprintf("RLIMIT_%d", r)
}

// startRunsc makes the run's cgroup, writes the bundle's config.json beside the run's work and
// tmp dirs (out of the program's reach) and starts `runsc run`, which uses the existing cgroup
// and leaves it to us. runsc's exit status is the program's, signals as 128+N; its own failures
// exit 128 too, so they are told apart by runsc's error log (--log-fd), a pipe of the host's that
// runsc writes only when it fails and that no process in the sandbox holds.
func (s *Sandbox) startRunsc(cmd *exec.Cmd, j step, files *pipes, limits cgroupLimits) (*running, error) {
	state, rootfs := gvisorDirs(s.cfg.WorkRoot)
	for _, p := range j.langMounts {
		if err := mountPoint(rootfs, p); err != nil {
			return nil, fmt.Errorf("sandbox: gvisor mount point %s: %w", p, err)
		}
	}
	logR, logW, err := files.pipe("runsc log")
	if err != nil {
		return nil, err
	}
	// The cgroup holds gVisor's own processes and threads too: the sentry and the gofer.
	limits.pids += gvisorThreads
	cg, err := s.createCgroup(j.name, limits)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(s.ociSpec(j, rootfs, s.cgroups.ociPath(s.cfg.CgroupParent, j.name), j.langMounts, limits.pids))
	if err == nil {
		err = os.WriteFile(filepath.Join(j.dir, "config.json"), b, 0o600)
	}
	if err != nil {
		_ = cg.remove()
		return nil, fmt.Errorf("sandbox: gvisor bundle: %w", err)
	}
	cmd.Path = s.cfg.RunscPath
	cmd.Args = []string{"runsc", "--root", state, "--network=none", "--log-fd=3", "run", "--bundle", j.dir, j.name}
	cmd.ExtraFiles = []*os.File{logW}
	err = s.fault("runsc start")
	if err == nil {
		err = s.kids.start(cmd, cmd.Start)
	}
	if err != nil {
		_ = cg.remove()
		return nil, startError("runsc", err)
	}
	files.closeChildEnds(cmd)
	done := func() {
		// After a kill runsc may keep the container's state: delete it.
		if m, _ := filepath.Glob(filepath.Join(state, j.name+"*")); len(m) > 0 {
			_ = exec.Command(s.cfg.RunscPath, "--root", state, "delete", "--force", j.name).Run()
		}
	}
	ran := func() bool {
		_ = logR.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, _ := logR.Read(make([]byte, 1))
		return n == 0
	}
	return &running{cg: cg, released: time.Now(), await: func(time.Duration) {}, done: done, ran: ran}, nil
}

// gvisorCheck prepares the gVisor level at New.
func gvisorCheck(cfg Config) error {
	if _, err := os.Stat(cfg.RunscPath); err != nil {
		return fmt.Errorf("sandbox: gvisor: %w", err)
	}
	state, rootfs := gvisorDirs(cfg.WorkRoot)
	if err := os.MkdirAll(state, 0o700); err != nil {
		return fmt.Errorf("sandbox: gvisor state dir: %w", err)
	}
	if err := prepareRootfs(rootfs, hostPaths()); err != nil {
		return fmt.Errorf("sandbox: gvisor root: %w", err)
	}
	return nil
}
