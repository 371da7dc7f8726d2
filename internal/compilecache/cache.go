// Package compilecache keeps compiled artifacts on the host, addressed by a hash of what was
// compiled, so that the same program is never compiled twice.
//
// The cache is a directory shared by every worker process of a host:
//
//	objects/<key>/  an artifact tree: root-owned, dirs 0755, files 0644 or 0755. This is what
//	                sandboxes see, bound read-only.
//	meta/<key>      the tree's size in bytes; its mtime is the entry's last use (LRU order).
//	locks/<key>     the key's flock: exclusive while it is built or evicted, shared while in use.
//	failures/<key>  the outcome of the key's last failed build, for the callers that waited
//	                for it (see Failure); kept a minute, never used by a later caller.
//	tmp/            build and eviction scratch, on the same file system for atomic renames.
//	evict.lock      serializes eviction passes.
//
// An entry appears by one rename of a complete tree, and disappears by one rename out of
// objects/, so a reader never sees half an entry. Build output is untrusted (a sandboxed
// compiler writes it): it is copied in without following symlinks, and anything but plain
// directories and singly-linked regular files is refused.

package compilecache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Errors of the cache.
var (
	// ErrInvalidKey means a key was not one Key returns.
	ErrInvalidKey = errors.New("compilecache: invalid key")
	// ErrUnsafeOutput means the build output held a symlink, a hard link, a device, a FIFO,
	// a socket, or too many levels; nothing was cached.
	ErrUnsafeOutput = errors.New("compilecache: unsafe build output")
	// ErrTooLarge means the build output is larger than an entry may be (Bounds).
	ErrTooLarge = errors.New("compilecache: build output larger than an entry may be")
)

// Defaults of Bounds, which config's COMPILE_CACHE_MAX_* also take. An entry's bounds are what
// a run's work dir holds (the sandbox's tmpfs takes the same), so that any entry fits a run
// that copies it.
const (
	DefaultMaxBytes      = 1 << 30
	DefaultMaxEntries    = 10000
	DefaultMaxEntryBytes = 64 << 20
	DefaultMaxEntryFiles = 4096
)

// Bounds bound the cache. Every entry within them can start a run: a sandbox joins an entry
// to a run whole (one overlay), whatever the number of its files. A zero field takes its
// default.
type Bounds struct {
	MaxBytes      int64 // all entries together; least recently used go first (default DefaultMaxBytes, 1 GiB)
	MaxEntries    int   // entries; least recently used go first (default DefaultMaxEntries)
	MaxEntryBytes int64 // one entry's file content; larger build output is not cached (default DefaultMaxEntryBytes, 64 MiB)
	MaxEntryFiles int   // one entry's files and directories; more are not cached (default DefaultMaxEntryFiles)
}

func (b Bounds) withDefaults() Bounds {
	if b.MaxBytes == 0 {
		b.MaxBytes = DefaultMaxBytes
	}
	if b.MaxEntries == 0 {
		b.MaxEntries = DefaultMaxEntries
	}
	if b.MaxEntryBytes == 0 {
		b.MaxEntryBytes = DefaultMaxEntryBytes
	}
	if b.MaxEntryFiles == 0 {
		b.MaxEntryFiles = DefaultMaxEntryFiles
	}
	b.MaxEntryBytes = min(b.MaxEntryBytes, b.MaxBytes)
	return b
}

// Cache is a size-bounded, content-addressed store of compiled artifacts, safe for
// concurrent use by goroutines and by other processes opening the same directory.
type Cache struct {
	dir    string
	bounds Bounds
	log    *slog.Logger
	keys   keyLocks
}

// Open opens (creating when needed) the cache in dir, within bounds.
// Sandboxes bind entries by path, so dir and its parents must be searchable by their uids.
// Scratch left in tmp/ by a crashed process is removed once it is an hour old.
// It returns an error when a bound is negative or dir cannot be prepared.
func Open(dir string, bounds Bounds) (*Cache, error) {
	if bounds.MaxBytes < 0 || bounds.MaxEntries < 0 || bounds.MaxEntryBytes < 0 || bounds.MaxEntryFiles < 0 {
		return nil, fmt.Errorf("compilecache: bounds must not be negative: %+v", bounds)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("compilecache: %w", err)
	}
	c := &Cache{dir: dir, bounds: bounds.withDefaults(), log: slog.Default().With("component", "compilecache")}
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o755}, {c.path("objects"), 0o755}, {c.path("meta"), 0o700}, {c.path("locks"), 0o700}, {c.path("failures"), 0o700}, {c.path("tmp"), 0o700}} {
		if err := os.MkdirAll(d.path, d.mode); err != nil {
			return nil, fmt.Errorf("compilecache: %w", err)
		}
		fi, err := os.Lstat(d.path)
		if err != nil {
			return nil, fmt.Errorf("compilecache: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("compilecache: %s is not a directory", d.path)
		}
		if err := os.Chmod(d.path, d.mode); err != nil { // the umask may have narrowed it
			return nil, fmt.Errorf("compilecache: %w", err)
		}
	}
	c.removeStaleScratch(time.Hour)
	return c, nil
}

// Bounds returns the cache's bounds, defaults filled in.
func (c *Cache) Bounds() Bounds { return c.bounds }

// Dir returns the cache's directory.
func (c *Cache) Dir() string { return c.dir }

func (c *Cache) path(parts ...string) string {
	return filepath.Join(append([]string{c.dir}, parts...)...)
}

// Get returns the directory of key's artifacts and marks the entry recently used. The entry
// is not pinned: it may be evicted at any time after Get returns. Use Acquire to use it.
// ok is false when the entry is absent (or key is malformed).
func (c *Cache) Get(key string) (dir string, ok bool) {
	if !validKey(key) || !c.exists(key) {
		return "", false
	}
	c.touch(key)
	return c.path("objects", key), true
}

// Acquire pins key's entry against eviction and marks it recently used. It returns the
// entry's directory and a release func that must be called once the entry is no longer in
// use (after the sandbox that mounted it has exited); release is safe to call more than once.
// ok is false when the entry is absent, being built or being evicted; it never waits.
func (c *Cache) Acquire(key string) (dir string, release func(), ok bool) {
	if !validKey(key) || !c.exists(key) {
		return "", nil, false
	}
	f, err := lockFile(context.Background(), c.path("locks", key), unix.LOCK_SH, false)
	if err != nil {
		return "", nil, false
	}
	return c.pinned(key, f)
}

// pinned finishes taking an entry whose lock f is held shared: it checks the entry is still
// there (an evictor may have run between our check and our lock) and marks it used.
func (c *Cache) pinned(key string, f *os.File) (string, func(), bool) {
	if !c.exists(key) {
		f.Close()
		return "", nil, false
	}
	c.touch(key)
	return c.path("objects", key), sync.OnceFunc(func() { f.Close() }), true
}

func (c *Cache) exists(key string) bool {
	fi, err := os.Lstat(c.path("objects", key))
	return err == nil && fi.IsDir()
}

// touch moves the entry to the most recently used end of the LRU order.
func (c *Cache) touch(key string) {
	now := time.Now()
	if err := os.Chtimes(c.path("meta", key), now, now); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.log.Warn("mark entry used", "key", key, "error", err)
	}
}

// removeStaleScratch removes build and eviction scratch older than age: what a crashed
// process left. Younger scratch may belong to a build in progress in another process.
func (c *Cache) removeStaleScratch(age time.Duration) {
	ents, err := os.ReadDir(c.path("tmp"))
	if err != nil {
		return
	}
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil || time.Since(fi.ModTime()) < age || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if err := os.RemoveAll(c.path("tmp", e.Name())); err != nil {
			c.log.Warn("remove stale scratch", "name", e.Name(), "error", err)
		}
	}
}
