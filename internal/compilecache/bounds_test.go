// Tests of the cache's bounds: entry count, one entry's bytes and files.

package compilecache_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"livecode/internal/compilecache"
)

func TestEvictPastMaxEntries(t *testing.T) {
	t.Parallel()
	c, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 1 << 20, MaxEntries: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c"} {
		put(t, c, key(name), sized(10))
	}
	present(t, c, map[string]bool{"a": false, "b": true, "c": true})
}

func TestEntryBoundsRefuseOutput(t *testing.T) {
	t.Parallel()
	c, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 1 << 20, MaxEntryBytes: 100, MaxEntryFiles: 3})
	if err != nil {
		t.Fatal(err)
	}
	files := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprint("f", i)] = "x"
		}
		return m
	}
	tests := []struct {
		name  string
		build compilecache.BuildFunc
		err   error
	}{
		{"bytes at the bound", sized(100), nil},
		{"bytes past it", sized(101), compilecache.ErrTooLarge},
		{"files at the bound", writeFiles(files(3)), nil},
		{"files past it", writeFiles(files(4)), compilecache.ErrTooLarge},
	}
	for _, tt := range tests {
		_, release, _, err := c.Do(context.Background(), key(tt.name), tt.build)
		if !errors.Is(err, tt.err) {
			t.Fatalf("%s: got %v, want %v", tt.name, err, tt.err)
		}
		if err == nil {
			release()
		}
	}
}
