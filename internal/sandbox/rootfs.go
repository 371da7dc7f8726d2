// The cheap parts of bubblewrap's root: a static /dev directory made once per work root and a
// per-run /etc tree bound on the host, each one bubblewrap mount instead of many.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// bwrapStatic is the part of every run's bubblewrap command line that never changes: the
// host's toolchain paths outside /etc (those are bound into the run's etc tree) and /dev, made
// in dev, a directory of this process's instance.
func bwrapStatic(cfg Config, dev string) []string {
	var paths []string
	for _, p := range hostPaths() {
		if !underEtc(p) {
			paths = append(paths, p)
		}
	}
	args := mountArgs(paths)
	if err := makeDevTmpfs(dev); err != nil {
		// bubblewrap's own /dev costs a tmpfs, six binds, a devpts and a second user
		// namespace per run (about 0.8 ms), and leaves a writable /dev and /dev/shm.
		cfg.Logger.Warn("sandbox: static /dev unusable, bubblewrap builds one per run", "dir", dev, "err", err)
		return append(args, "--dev", "/dev")
	}
	return append(args, "--dev-bind", dev, "/dev")
}

func underEtc(p string) bool { return strings.HasPrefix(p, "/etc/") }

// devNode is a character device of the sandbox's /dev.
type devNode struct {
	name         string
	major, minor uint32
}

func devNodes() []devNode {
	return []devNode{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}}
}

// devLinks are the symlinks of the sandbox's /dev. shm points at the run's /tmp, so POSIX
// shared memory lives on the run's size- and inode-limited tmpfs.
func devLinks() [][2]string {
	return [][2]string{
		{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"}, {"shm", "/tmp"},
	}
}

// makeDevTmpfs mounts a small tmpfs of its own on dir and makes the sandbox's /dev in it, then
// makes it read-only. Its own file system shows in a sandbox's mountinfo as "/", where a
// directory of the host's would show its host path.
func makeDevTmpfs(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	if err := unix.Mount("livecode-dev", dir, "tmpfs", unix.MS_NOSUID, "size=64k,nr_inodes=64,mode=0755"); err != nil {
		return err
	}
	if err := makeDevDir(dir); err != nil {
		return err
	}
	return unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID, "")
}

// makeDevDir creates (or checks, when an earlier process made it) dir: root-owned, read-only
// to everyone else, holding only devNodes and devLinks. It fails when the file system does not
// allow device nodes (a nodev mount), so that the caller falls back to bubblewrap's --dev.
func makeDevDir(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if st := fi.Sys().(*syscall.Stat_t); !fi.IsDir() || st.Uid != 0 || fi.Mode().Perm() != 0o755 {
		return errors.New("not a root-owned directory of mode 0755")
	}
	for _, n := range devNodes() {
		p := filepath.Join(dir, n.name)
		dev := unix.Mkdev(n.major, n.minor)
		if err := unix.Mknod(p, unix.S_IFCHR|0o666, int(dev)); err != nil && !errors.Is(err, unix.EEXIST) {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != dev || st.Uid != 0 {
			return fmt.Errorf("%s is not the expected device", p)
		}
		if st.Mode&0o7777 != 0o666 { // mknod applied the umask
			if err := unix.Chmod(p, 0o666); err != nil {
				return err
			}
		}
	}
	for _, l := range devLinks() {
		p := filepath.Join(dir, l[0])
		if err := os.Symlink(l[1], p); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		if got, err := os.Readlink(p); err != nil || got != l[1] {
			return fmt.Errorf("%s is not the expected link", p)
		}
	}
	// A nodev mount refuses to open the node.
	f, err := os.OpenFile(filepath.Join(dir, "null"), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}

// makeEtcTree creates dir/etc in the run's fresh tmpfs and binds into it every /etc path of
// hostPaths and langMounts that exists on the host, so that bubblewrap binds the whole /etc at
// once (read-only, with every mount under it). The tree goes with the tmpfs: detaching the
// tmpfs detaches the binds. A second call for the same dir (the run step after the compile
// step) finds the tree made and does nothing.
func makeEtcTree(dir string, langMounts []string) error {
	etc := filepath.Join(dir, "etc")
	if err := unix.Mkdir(etc, 0o755); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return nil
		}
		return fmt.Errorf("sandbox: etc tree: %w", err)
	}
	for _, p := range append(hostPaths(), langMounts...) {
		if !underEtc(p) {
			continue
		}
		fi, err := os.Stat(p) // bubblewrap follows a symlinked source too (/etc/localtime)
		if err != nil {
			continue
		}
		dst := filepath.Join(etc, strings.TrimPrefix(p, "/etc/"))
		if _, err := os.Lstat(dst); err == nil {
			continue // listed twice
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("sandbox: etc tree: %w", err)
		}
		if fi.IsDir() {
			err = unix.Mkdir(dst, 0o755)
		} else {
			var fd int
			if fd, err = unix.Open(dst, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_WRONLY|unix.O_CLOEXEC, 0o644); err == nil {
				err = unix.Close(fd)
			}
		}
		if err != nil {
			return fmt.Errorf("sandbox: etc tree: %w", err)
		}
		if err := unix.Mount(p, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("sandbox: etc tree: bind %s: %w", p, err)
		}
		// Read-only on the host too: the binds are the host's own files, and nothing that walks
		// the work root (a cleanup, an operator's rm -rf after a crash) may ever write through them.
		if err := unix.Mount("", dst, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV, ""); err != nil {
			return fmt.Errorf("sandbox: etc tree: read-only %s: %w", p, err)
		}
	}
	return nil
}

// withoutEtc drops the bindings of /etc paths from mountArgs output: makeEtcTree binds them.
func withoutEtc(args []string) []string {
	var out []string
	for i := 0; i+3 <= len(args); i += 3 {
		if underEtc(args[i+2]) {
			continue
		}
		out = append(out, args[i:i+3]...)
	}
	return out
}
