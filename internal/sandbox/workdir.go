// The per-run host directory: a fresh tmpfs the program's files are written into, removed by
// unmounting so that nothing the program planted is ever followed.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"livecode/internal/execution"
)

// makeWorkRoot creates the work root. The sandbox uids must traverse it and every parent to
// reach their own mounts, nothing more: it fails, naming the directory, when a parent is not
// searchable by others.
func makeWorkRoot(root string) error {
	if err := os.MkdirAll(root, 0o711); err != nil {
		return fmt.Errorf("sandbox: work root: %w", err)
	}
	if err := os.Chmod(root, 0o711); err != nil {
		return fmt.Errorf("sandbox: work root: %w", err)
	}
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("sandbox: work root: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("sandbox: the sandbox uids cannot reach the work root %s: %s is not searchable by others (chmod o+x)", root, dir)
		}
		if dir == "/" {
			return nil
		}
	}
}

// workDir is one run's tmpfs, mounted at path on the host. The sandbox sees path/work as its
// working directory and path/tmp as /tmp; both share the tmpfs size and inode limits.
type workDir struct {
	path string
}

// newWorkDir creates dir, mounts a tmpfs owned by uid on it and creates work/ and tmp/.
// Writes to the tmpfs are charged to the memory cgroup of the process that makes them.
func newWorkDir(dir string, uid int, sizeBytes int64, inodes int) (*workDir, error) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: work dir: %w", err)
	}
	opts := fmt.Sprintf("size=%d,nr_inodes=%d,mode=0700,uid=%d,gid=%d", sizeBytes, inodes, uid, uid)
	if err := unix.Mount("livecode-run", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		_ = os.Remove(dir)
		return nil, fmt.Errorf("sandbox: mount work tmpfs: %w", err)
	}
	w := &workDir{path: dir}
	for _, sub := range []string{"work", "tmp"} {
		p := filepath.Join(dir, sub)
		if err := os.Mkdir(p, 0o700); err != nil {
			return nil, errors.Join(fmt.Errorf("sandbox: work dir: %w", err), w.remove())
		}
		if err := os.Lchown(p, uid, uid); err != nil {
			return nil, errors.Join(fmt.Errorf("sandbox: work dir: %w", err), w.remove())
		}
	}
	return w, nil
}

// writeFiles writes the program's files into work/. The tmpfs is fresh and only root has
// touched it, but every open still refuses symlinks and existing files.
func (w *workDir) writeFiles(files []execution.File, uid int) error {
	dfd, err := unix.Open(filepath.Join(w.path, "work"), unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("sandbox: open work dir: %w", err)
	}
	defer unix.Close(dfd)
	for _, f := range files {
		if err := validFileName(f.Name); err != nil {
			return err
		}
		fd, err := unix.Openat(dfd, f.Name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if err != nil {
			return fmt.Errorf("sandbox: create %s: %w", f.Name, err)
		}
		file := os.NewFile(uintptr(fd), f.Name)
		_, werr := file.WriteString(f.Content)
		cerr := unix.Fchown(fd, uid, uid)
		if err := errors.Join(werr, cerr, file.Close()); err != nil {
			return fmt.Errorf("sandbox: write %s: %w", f.Name, err)
		}
	}
	return nil
}

// validFileName accepts plain names in the work directory only.
func validFileName(name string) error {
	if name == "" || name == "." || name == ".." || len(name) > 255 || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("sandbox: invalid file name %q", name)
	}
	return nil
}

// remove detaches the overlay of a cached build, if any, and the tmpfs, which frees everything
// in it without walking it, then removes the empty mount point. Call it only once the run's
// processes are dead.
func (w *workDir) remove() error {
	if err := w.unmountOverlay(); err != nil {
		return err
	}
	if err := unix.Unmount(w.path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("sandbox: unmount work dir: %w", err)
	}
	if err := unix.Rmdir(w.path); err != nil {
		return fmt.Errorf("sandbox: remove work dir: %w", err)
	}
	return nil
}
