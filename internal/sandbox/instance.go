// This process's instance: an opaque id naming its level of the work dir and of the run cgroups,
// and a lock file it keeps locked for its lifetime so that a later start can tell its leftovers
// from those of a process still running.

package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// opaqueID is a random name: run and instance names carry no pid, uid or sequence, so that
// nothing about the host or other tenants' activity is visible to a program.
func opaqueID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}

// isOpaqueID reports whether name can be one of opaqueID's: the sweep touches nothing else.
func isOpaqueID(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// instance is this process's directory under the work root, holding its runs' work dirs.
type instance struct {
	id   string
	dir  string
	lock *os.File // flock'ed while the process lives: the kernel drops the lock when it dies
}

// newInstance makes workRoot/<id> (traversable by the sandbox uids, who reach their runs
// through it) and takes the lock in it.
func newInstance(workRoot string) (*instance, error) {
	id := opaqueID()
	dir := filepath.Join(workRoot, id)
	if err := os.Mkdir(dir, 0o711); err != nil {
		return nil, fmt.Errorf("sandbox: instance dir: %w", err)
	}
	lock, err := lockInstance(dir, os.O_CREATE|os.O_EXCL)
	if err != nil {
		_ = os.Remove(dir)
		return nil, fmt.Errorf("sandbox: instance lock: %w", err)
	}
	return &instance{id: id, dir: dir, lock: lock}, nil
}

// lockInstance opens dir's lock file (with extra open flags) and locks it without waiting.
// It fails with EWOULDBLOCK while the instance's process is alive.
func lockInstance(dir string, flags int) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|flags, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// removeInstanceDir removes the instance dir of a process that is gone or closing: every run
// work dir in it and its /dev (each a tmpfs, detached without being walked), then the lock
// file and the dir, and reports how many run work dirs it removed. The caller holds the lock.
func removeInstanceDir(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var n int
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !(isOpaqueID(e.Name()) || e.Name() == "dev") { // ReadDir does not follow symlinks
			continue
		}
		// A run's work dir, or the instance's /dev: each a tmpfs, or empty.
		w := &workDir{path: filepath.Join(dir, e.Name())}
		if err := w.remove(); err != nil {
			errs = append(errs, err)
			continue
		}
		if e.Name() != "dev" {
			n++
		}
	}
	if err := errors.Join(errs...); err != nil {
		return n, err
	}
	if err := unix.Unlink(filepath.Join(dir, "lock")); err != nil && !errors.Is(err, unix.ENOENT) {
		return n, err
	}
	return n, unix.Rmdir(dir)
}
