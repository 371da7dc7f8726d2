// Test helpers: a cache in a temp dir and builds that write known artifacts.

package compilecache_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
)

func open(t *testing.T, maxBytes int64) *compilecache.Cache {
	t.Helper()
	c, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func key(name string) string {
	return compilecache.Key("test", "v1", []string{"cc"}, []execution.File{{Name: "main", Content: name}})
}

// writeFiles is a build writing name→content files, creating parent dirs.
func writeFiles(files map[string]string) compilecache.BuildFunc {
	return func(_ context.Context, out string) error {
		for name, content := range files {
			p := filepath.Join(out, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return err
			}
		}
		return nil
	}
}

// sized is a build writing one file of n bytes.
func sized(n int) compilecache.BuildFunc {
	return writeFiles(map[string]string{"main": strings.Repeat("x", n)})
}

// put builds key with build and releases it at once.
func put(t *testing.T, c *compilecache.Cache, k string, build compilecache.BuildFunc) {
	t.Helper()
	_, release, _, err := c.Do(context.Background(), k, build)
	if err != nil {
		t.Fatal(err)
	}
	release()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
