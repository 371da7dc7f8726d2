// Do: return an entry, building it first when missing, exactly once per host.

package compilecache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// BuildFunc writes a compile's artifacts into outDir, an empty directory of the cache's
// scratch space owned by the caller's user, mode 0700. It may fill outDir with CopyTree from a
// sandbox's work dir, or chown it and bind it into a sandbox: either way its content is treated
// as hostile and copied into the entry under the rules of ErrUnsafeOutput.
// An error from it is returned by Do unchanged and nothing is cached. A failure every identical
// build would share (a compile error of the user's program) is returned as a *Failure, which
// the callers waiting for this build get too.
type BuildFunc func(ctx context.Context, outDir string) error

// maxAttempts bounds the retries of Do when an entry vanishes under it (evicted between two
// steps by another process); each retry is a real race, so more than a few means a bug.
const maxAttempts = 4

// Do returns key's entry pinned as Acquire does, building it with build when it is missing.
// Of all concurrent callers of one key, in this process and in other processes on the host
// using the same directory, exactly one runs build; the others wait for it and get the entry
// with hit true. When build fails with a *Failure, the callers that were waiting for it get a
// *Failure with its Outcome; when it fails otherwise, one waiter tries its own build in turn.
// ctx bounds the wait for another caller's build (a caller's wait should count against its
// own time limit) and is passed to build.
//
// The caller must call release once it no longer uses dir. After a build, entries are
// evicted, least recently used first, until the cache is within its size; pinned entries and
// entries being built are skipped, so the cache can exceed its size while they are in use.
//
// It returns ErrInvalidKey, build's error, the *Failure of the build waited for,
// ErrUnsafeOutput, ErrTooLarge, ctx's error while waiting, or an I/O error of the cache
// directory.
func (c *Cache) Do(ctx context.Context, key string, build BuildFunc) (dir string, release func(), hit bool, err error) {
	if !validKey(key) {
		return "", nil, false, ErrInvalidKey
	}
	for range maxAttempts {
		if dir, release, ok := c.Acquire(key); ok {
			return dir, release, true, nil
		}
		seen := c.failureID(key) // a failure from before we came is not ours to share
		dir, release, hit, err := c.lockAndBuild(ctx, key, seen, build)
		if err != nil || dir != "" {
			return dir, release, hit, err
		}
	}
	return "", nil, false, fmt.Errorf("compilecache: entry %s kept vanishing", key)
}

// lockAndBuild takes key's exclusive lock and builds the entry unless another caller did
// while we waited, or failed to: a failure record whose id is not seen. An empty dir with a
// nil error means the entry vanished: try again.
func (c *Cache) lockAndBuild(ctx context.Context, key, seen string, build BuildFunc) (string, func(), bool, error) {
	unlock, err := c.keys.lock(ctx, key)
	if err != nil {
		return "", nil, false, err
	}
	defer unlock()
	f, err := lockFile(ctx, c.path("locks", key), unix.LOCK_EX, true)
	if err != nil {
		return "", nil, false, err
	}
	hit := c.exists(key)
	if id, outcome, ok := c.readFailure(key); !hit && ok && id != seen {
		f.Close()
		return "", nil, false, &Failure{Outcome: outcome}
	}
	if !hit {
		if err := c.build(ctx, key, build); err != nil {
			var failed *Failure
			if errors.As(err, &failed) {
				if werr := c.writeFailure(key, failed); werr != nil {
					c.log.Warn("record build failure", "key", key, "error", werr) // waiters build again
				}
			}
			// No entry will use this lock file: unlink it while we hold it, as eviction does.
			_ = os.Remove(c.path("locks", key))
			f.Close()
			return "", nil, false, err
		}
		_ = os.Remove(c.path("failures", key)) // an earlier failure is history now
	}
	if err := downgrade(f); err != nil {
		f.Close()
		return "", nil, false, err
	}
	dir, release, ok := c.pinned(key, f)
	if !ok {
		return "", nil, false, nil
	}
	if !hit {
		if err := c.evict(ctx, key); err != nil {
			c.log.Warn("evict", "error", err) // the entry is good; the bound waits for the next put
		}
	}
	return dir, release, hit, nil
}

// build runs fn into scratch, copies its output into a clean tree, records the size and
// renames the tree into place. The caller holds key's exclusive lock.
func (c *Cache) build(ctx context.Context, key string, fn BuildFunc) error {
	scratch, err := os.MkdirTemp(c.path("tmp"), "build-")
	if err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(scratch); rerr != nil { // RemoveAll never follows symlinks
			c.log.Warn("remove build scratch", "error", rerr)
		}
	}()
	out := filepath.Join(scratch, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	if err := fn(ctx, out); err != nil {
		return err
	}
	tree := filepath.Join(scratch, "tree")
	size, err := importTree(tree, out, c.bounds.MaxEntryBytes, c.bounds.MaxEntryFiles)
	if err != nil {
		return err
	}
	// The size is written before the tree appears: a crash in between leaves a size without
	// a tree, which eviction removes; never a tree that no size accounts for.
	meta := filepath.Join(scratch, "meta")
	if err := os.WriteFile(meta, []byte(strconv.FormatInt(size, 10)), 0o600); err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	if err := os.Rename(meta, c.path("meta", key)); err != nil {
		return fmt.Errorf("compilecache: %w", err)
	}
	if err := os.Rename(tree, c.path("objects", key)); err != nil {
		return errors.Join(fmt.Errorf("compilecache: %w", err), os.Remove(c.path("meta", key)))
	}
	return nil
}
