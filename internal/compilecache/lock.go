// Locks: flock on per-key files across processes, a channel per key within this one.

package compilecache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// errBusy means a non-waiting lock attempt found the lock held.
var errBusy = errors.New("compilecache: lock busy")

// lockFile opens path (creating it) and takes a flock of kind how (unix.LOCK_SH or
// unix.LOCK_EX). With wait it polls until the lock is free or ctx is done (a blocking flock
// cannot be interrupted); without, it returns errBusy at once. An evictor unlinks a key's lock
// file while holding it exclusively, so after locking we check that path still names the
// locked inode, and start over on a fresh file if it does not.
func lockFile(ctx context.Context, path string, how int, wait bool) (*os.File, error) {
	delay := time.Millisecond
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("compilecache: open lock: %w", err)
		}
		for {
			err = unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
			if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
				break
			}
			if !wait {
				f.Close()
				return nil, errBusy
			}
			select {
			case <-ctx.Done():
				f.Close()
				return nil, ctx.Err()
			case <-time.After(delay):
			}
			delay = min(2*delay, 25*time.Millisecond)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("compilecache: flock: %w", err)
		}
		if sameFile(f, path) {
			return f, nil
		}
		f.Close() // unlinked by an evictor while we waited: lock the new file instead
	}
}

// sameFile reports whether path still names the open file f.
func sameFile(f *os.File, path string) bool {
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// downgrade turns the exclusive lock held on f into a shared one. The kernel drops the old
// lock before taking the new one, so the caller must check again that the entry exists.
func downgrade(f *os.File) error {
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		return fmt.Errorf("compilecache: flock: %w", err)
	}
	return nil
}

// keyLocks serializes the callers of one key within this process, so that they wait on a
// channel (and their context) rather than each polling the flock.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	ch   chan struct{} // holds a token while the key is locked
	refs int
}

// lock takes key's lock, or returns ctx's error. The returned func releases it.
func (k *keyLocks) lock(ctx context.Context, key string) (func(), error) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()

	drop := func() {
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return sync.OnceFunc(func() { <-l.ch; drop() }), nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	}
}
