// Importing untrusted build output: plain dirs and files only, never following a link.

package compilecache

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"
)

// maxEntryDepth bounds the nesting of one entry's tree.
const maxEntryDepth = 32

// importer copies one untrusted tree, counting what it has copied against the bounds.
type importer struct {
	maxBytes int64
	maxFiles int // files and directories
	bytes    int64
	files    int
}

// CopyTree copies the content of the untrusted directory src into the existing directory dst
// under the rules of importTree, at most maxFiles files and directories, and returns the bytes
// of file content copied. A BuildFunc uses it to bring a compile's output out of a sandbox's
// work dir into its outDir.
// It returns ErrUnsafeOutput or ErrTooLarge (wrapped, naming the path) or an I/O error.
func CopyTree(dst, src string, maxBytes int64, maxFiles int) (int64, error) {
	return copyTree(dst, src, maxBytes, maxFiles, false)
}

// importTree copies the tree at src into dst (which must not exist) and returns the bytes of
// file content copied. Every name is opened relative to its parent's descriptor with
// O_NOFOLLOW, and checked on the open descriptor, so that nothing in src can redirect a read
// elsewhere. Copies are owned by us with modes 0755 (directories, and files with any execute
// bit) or 0644: no setuid bit, no write bit for anyone else.
// It returns ErrUnsafeOutput or ErrTooLarge (wrapped, naming the path) or an I/O error.
func importTree(dst, src string, maxBytes int64, maxFiles int) (int64, error) {
	return copyTree(dst, src, maxBytes, maxFiles, true)
}

func copyTree(dst, src string, maxBytes int64, maxFiles int, create bool) (int64, error) {
	fd, err := unix.Open(src, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %v", ErrUnsafeOutput, src, err)
	}
	im := &importer{maxBytes: maxBytes, maxFiles: maxFiles}
	if err := im.dir(fd, dst, ".", 0, create); err != nil {
		return 0, err
	}
	return im.bytes, nil
}

// dir copies the open directory fd (which it closes) to dst. rel names it for errors.
func (im *importer) dir(fd int, dst, rel string, depth int, create bool) error {
	d := os.NewFile(uintptr(fd), rel)
	defer d.Close()
	if depth > maxEntryDepth {
		return fmt.Errorf("%w: %s: deeper than %d levels", ErrUnsafeOutput, rel, maxEntryDepth)
	}
	if create {
		if err := mkdir(dst); err != nil {
			return err
		}
	}
	names, err := d.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("compilecache: read build output: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if im.files++; im.files > im.maxFiles {
			return fmt.Errorf("%w: more than %d files", ErrTooLarge, im.maxFiles)
		}
		if err := im.entry(fd, name, filepath.Join(dst, name), filepath.Join(rel, name), depth); err != nil {
			return err
		}
	}
	return nil
}

// entry copies the child name of directory fd.
func (im *importer) entry(parent int, name, dst, rel string, depth int) error {
	var st unix.Stat_t
	if err := unix.Fstatat(parent, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("compilecache: stat build output %s: %w", rel, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		fd, err := unix.Openat(parent, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrUnsafeOutput, rel, err)
		}
		return im.dir(fd, dst, rel, depth+1, true)
	case unix.S_IFREG:
		return im.file(parent, name, dst, rel)
	default:
		return fmt.Errorf("%w: %s is a %s", ErrUnsafeOutput, rel, kind(st.Mode))
	}
}

// file copies the regular file name of directory parent to dst.
func (im *importer) file(parent int, name, dst, rel string) error {
	// O_NONBLOCK: should the name have become a FIFO since the stat, the open must not hang.
	fd, err := unix.Openat(parent, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnsafeOutput, rel, err)
	}
	in := os.NewFile(uintptr(fd), rel)
	defer in.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("compilecache: stat build output %s: %w", rel, err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		return fmt.Errorf("%w: %s is a %s", ErrUnsafeOutput, rel, kind(st.Mode))
	case st.Nlink != 1:
		return fmt.Errorf("%w: %s has %d hard links", ErrUnsafeOutput, rel, st.Nlink)
	case im.bytes+st.Size > im.maxBytes:
		return fmt.Errorf("%w: over %d bytes at %s", ErrTooLarge, im.maxBytes, rel)
	}
	mode := os.FileMode(0o644)
	if st.Mode&0o111 != 0 {
		mode = 0o755
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	// Copy at most one byte past the size seen: a file still growing is refused, not chased.
	n, err := io.Copy(out, io.LimitReader(in, st.Size+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("compilecache: copy build output %s: %w", rel, err)
	}
	if n != st.Size {
		return fmt.Errorf("%w: %s changed while copied", ErrUnsafeOutput, rel)
	}
	im.bytes += n
	return chmod(dst, mode)
}

func mkdir(path string) error {
	if err := os.Mkdir(path, 0o755); err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	return chmod(path, 0o755)
}

// chmod sets mode exactly, whatever the umask took away at creation.
func chmod(path string, mode os.FileMode) error {
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	return nil
}

// kind names a file type for error messages.
func kind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFLNK:
		return "symlink"
	case unix.S_IFIFO:
		return "FIFO"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "device"
	}
	return "special file"
}
