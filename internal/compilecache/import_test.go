// Tests that hostile build output is refused and nothing of it is cached.

package compilecache_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"livecode/internal/compilecache"
)

func TestHostileOutputRefused(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("host secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		plant   func(out string) error
		wantErr error
	}{
		{"symlink to a host file", func(out string) error {
			return os.Symlink(secret, filepath.Join(out, "main"))
		}, compilecache.ErrUnsafeOutput},
		{"symlinked directory", func(out string) error {
			return os.Symlink(filepath.Dir(secret), filepath.Join(out, "lib"))
		}, compilecache.ErrUnsafeOutput},
		{"dangling symlink deep down", func(out string) error {
			if err := os.MkdirAll(filepath.Join(out, "a/b"), 0o755); err != nil {
				return err
			}
			return os.Symlink("/nonexistent", filepath.Join(out, "a/b/c"))
		}, compilecache.ErrUnsafeOutput},
		{"fifo", func(out string) error {
			return syscall.Mkfifo(filepath.Join(out, "main"), 0o644)
		}, compilecache.ErrUnsafeOutput},
		{"hard link", func(out string) error {
			if err := os.WriteFile(filepath.Join(out, "main"), []byte("x"), 0o644); err != nil {
				return err
			}
			return os.Link(filepath.Join(out, "main"), filepath.Join(out, "alias"))
		}, compilecache.ErrUnsafeOutput},
		{"device", func(out string) error {
			return syscall.Mknod(filepath.Join(out, "null"), syscall.S_IFCHR|0o666, 1<<8|3)
		}, compilecache.ErrUnsafeOutput},
		{"socket", func(out string) error {
			l, err := net.Listen("unix", filepath.Join(out, "sock"))
			if err != nil {
				return err
			}
			l.(*net.UnixListener).SetUnlinkOnClose(false)
			return l.Close()
		}, compilecache.ErrUnsafeOutput},
		{"too deep", func(out string) error {
			return os.MkdirAll(filepath.Join(out, strings.Repeat("d/", 40)), 0o755)
		}, compilecache.ErrUnsafeOutput},
		{"larger than the cache", func(out string) error {
			return os.WriteFile(filepath.Join(out, "main"), make([]byte, 5000), 0o644)
		}, compilecache.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := open(t, 4096)
			k := key(tt.name)
			_, _, _, err := c.Do(context.Background(), k, func(_ context.Context, out string) error {
				if err := os.WriteFile(filepath.Join(out, "ok"), []byte("fine"), 0o644); err != nil {
					return err
				}
				return tt.plant(out)
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if _, ok := c.Get(k); ok {
				t.Fatal("hostile output was cached")
			}
			if size, err := c.Size(); err != nil || size != 0 {
				t.Fatalf("size %d err %v, want an empty cache", size, err)
			}
			scratch, err := os.ReadDir(filepath.Join(c.Dir(), "tmp"))
			if err != nil || len(scratch) != 0 {
				t.Fatalf("scratch left behind: %v %v", scratch, err)
			}
		})
	}
}

func TestCopyTree(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	if err := writeFiles(map[string]string{"main": "bin", "pkg/A.class": "class"})(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	n, err := compilecache.CopyTree(dst, src, 1<<20, 100)
	if err != nil || n != int64(len("bin")+len("class")) {
		t.Fatalf("copied %d bytes, err %v", n, err)
	}
	if got := readFile(t, filepath.Join(dst, "pkg/A.class")); got != "class" {
		t.Fatalf("copy %q", got)
	}
	if err := os.Symlink("/etc/shadow", filepath.Join(src, "evil")); err != nil {
		t.Fatal(err)
	}
	if _, err := compilecache.CopyTree(t.TempDir(), src, 1<<20, 100); !errors.Is(err, compilecache.ErrUnsafeOutput) {
		t.Fatalf("symlink in src: err %v, want ErrUnsafeOutput", err)
	}
}
