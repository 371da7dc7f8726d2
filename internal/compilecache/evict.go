// Eviction: least recently used entries go first, pinned and building entries never.

package compilecache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// entryInfo is one entry as eviction sees it.
type entryInfo struct {
	key  string
	size int64
	used time.Time
}

// Size returns the bytes of artifacts the cache holds now, pinned entries included.
// It returns an I/O error of the cache directory.
func (c *Cache) Size() (int64, error) {
	ents, err := c.entries()
	if err != nil {
		return 0, err
	}
	var total int64
	for _, e := range ents {
		total += e.size
	}
	return total, nil
}

// evict removes least recently used entries other than keep until the cache is within its
// size and entry count, or only pinned entries are left. One eviction pass runs at a time on
// the host.
func (c *Cache) evict(ctx context.Context, keep string) error {
	g, err := lockFile(ctx, c.path("evict.lock"), unix.LOCK_EX, true)
	if err != nil {
		return err
	}
	defer g.Close()
	c.sweepFailures(failureTTL)
	ents, err := c.entries()
	if err != nil {
		return err
	}
	var total int64
	for _, e := range ents {
		total += e.size
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].used.Before(ents[j].used) })
	var errs []error
	count := len(ents)
	for _, e := range ents {
		if total <= c.bounds.MaxBytes && count <= c.bounds.MaxEntries {
			break
		}
		if e.key == keep {
			continue
		}
		removed, err := c.remove(e.key)
		if err != nil {
			errs = append(errs, err)
		}
		if removed {
			total, count = total-e.size, count-1
		}
	}
	return errors.Join(errs...)
}

// remove deletes key's entry unless it is pinned or being built, and reports whether it did.
// The tree leaves objects/ by one rename, then its size and lock file go; a process that
// opened the old lock file notices it was unlinked (see lockFile).
func (c *Cache) remove(key string) (bool, error) {
	f, err := lockFile(context.Background(), c.path("locks", key), unix.LOCK_EX, false)
	if errors.Is(err, errBusy) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if c.exists(key) {
		gone, err := os.MkdirTemp(c.path("tmp"), "evict-")
		if err != nil {
			return false, fmt.Errorf("compilecache: %w", err)
		}
		if err := os.Rename(c.path("objects", key), gone+"/tree"); err != nil {
			return false, errors.Join(fmt.Errorf("compilecache: evict: %w", err), os.Remove(gone))
		}
		if err := os.RemoveAll(gone); err != nil {
			c.log.Warn("remove evicted entry", "key", key, "error", err) // stale scratch sweeps it later
		}
	}
	if err := os.Remove(c.path("meta", key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return true, fmt.Errorf("compilecache: evict: %w", err)
	}
	if err := os.Remove(c.path("locks", key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return true, fmt.Errorf("compilecache: evict: %w", err)
	}
	return true, nil
}

// entries lists every entry with its recorded size and last use.
func (c *Cache) entries() ([]entryInfo, error) {
	des, err := os.ReadDir(c.path("meta"))
	if err != nil {
		return nil, fmt.Errorf("compilecache: %w", err)
	}
	out := make([]entryInfo, 0, len(des))
	for _, de := range des {
		key := de.Name()
		if !validKey(key) {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed since the listing
		}
		b, err := os.ReadFile(c.path("meta", key))
		if err != nil {
			continue
		}
		size, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			size = c.bounds.MaxBytes // unreadable: evict it early rather than never
		}
		out = append(out, entryInfo{key: key, size: size, used: fi.ModTime()})
	}
	return out, nil
}
