// Tests of LRU eviction: the size bound holds, recent and pinned entries stay.

package compilecache_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"livecode/internal/compilecache"
)

func TestEvictLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := open(t, 3000)
	for _, name := range []string{"a", "b", "c"} {
		put(t, c, key(name), sized(1000))
	}
	if _, ok := c.Get(key("a")); !ok { // a is now more recent than b and c
		t.Fatal("a missing")
	}
	put(t, c, key("d"), sized(1000))
	present(t, c, map[string]bool{"a": true, "b": false, "c": true, "d": true})
	if size, err := c.Size(); err != nil || size != 3000 {
		t.Fatalf("size %d err %v, want 3000", size, err)
	}
	put(t, c, key("e"), sized(2000)) // c then a must go
	present(t, c, map[string]bool{"a": false, "c": false, "d": true, "e": true})
}

func TestEvictSkipsPinned(t *testing.T) {
	t.Parallel()
	c := open(t, 2000)
	put(t, c, key("old"), sized(1000))
	put(t, c, key("mid"), sized(1000))
	dir, release, ok := c.Acquire(key("old")) // in use: pinned, and now the most recent
	if !ok {
		t.Fatal("old missing")
	}
	_, relMid, ok := c.Acquire(key("mid"))
	if !ok {
		t.Fatal("mid missing")
	}
	put(t, c, key("new"), sized(1000)) // everything else is pinned: over the bound for now
	present(t, c, map[string]bool{"old": true, "mid": true, "new": true})
	if readFile(t, dir+"/main") == "" {
		t.Fatal("pinned entry emptied")
	}
	relMid()
	put(t, c, key("newer"), sized(1000)) // mid (unpinned) and new (least recent) go; old stays pinned
	present(t, c, map[string]bool{"old": true, "mid": false, "new": false, "newer": true})
	release()
	put(t, c, key("newest"), sized(1000))
	present(t, c, map[string]bool{"old": false, "newer": true, "newest": true})
	if size, err := c.Size(); err != nil || size > 2000 {
		t.Fatalf("size %d err %v, want at most 2000", size, err)
	}
	if _, _, hit, err := c.Do(context.Background(), key("old"), sized(1000)); err != nil || hit {
		t.Fatalf("evicted entry: hit %v err %v, want a rebuild", hit, err)
	}
}

// present checks which entries exist without marking any used, as Get would.
func present(t *testing.T, c *compilecache.Cache, want map[string]bool) {
	t.Helper()
	for name, w := range want {
		_, err := os.Stat(filepath.Join(c.Dir(), "objects", key(name)))
		if got := err == nil; got != w {
			t.Errorf("entry %s present %v, want %v", name, got, w)
		}
	}
}
