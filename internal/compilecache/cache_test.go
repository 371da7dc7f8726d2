// Tests of the cache's hit and miss paths, pinning, and single builds under concurrency.

package compilecache_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMissThenHit(t *testing.T) {
	t.Parallel()
	c := open(t, 1<<20)
	k := key("hello")
	if _, ok := c.Get(k); ok {
		t.Fatal("Get on an empty cache: want a miss")
	}
	builds := 0
	build := func(ctx context.Context, out string) error {
		builds++
		return writeFiles(map[string]string{"main": "binary", "lib/x.class": "class"})(ctx, out)
	}
	for i, wantHit := range []bool{false, true, true} {
		dir, release, hit, err := c.Do(context.Background(), k, build)
		if err != nil {
			t.Fatal(err)
		}
		if hit != wantHit {
			t.Fatalf("call %d: hit %v, want %v", i, hit, wantHit)
		}
		if got := readFile(t, filepath.Join(dir, "lib/x.class")); got != "class" {
			t.Fatalf("artifact %q", got)
		}
		release()
		release() // twice is harmless
	}
	if builds != 1 {
		t.Fatalf("%d builds, want 1", builds)
	}
	dir, ok := c.Get(k)
	if !ok || readFile(t, filepath.Join(dir, "main")) != "binary" {
		t.Fatalf("Get after Do: ok %v", ok)
	}
	if _, _, ok := c.Acquire(key("other")); ok {
		t.Fatal("Acquire of a missing key: want !ok")
	}
	if _, _, _, err := c.Do(context.Background(), "../etc", build); err == nil {
		t.Fatal("Do with a malformed key: want an error")
	}
}

func TestEntryModes(t *testing.T) {
	t.Parallel()
	c := open(t, 1<<20)
	build := func(_ context.Context, out string) error {
		if err := os.Mkdir(filepath.Join(out, "d"), 0o777); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "prog"), []byte("x"), 0o777); err != nil {
			return err
		}
		if err := os.Chmod(filepath.Join(out, "prog"), 0o4777); err != nil { // setuid, world-writable
			return err
		}
		return os.WriteFile(filepath.Join(out, "d", "data"), []byte("y"), 0o666)
	}
	dir, release, _, err := c.Do(context.Background(), key("modes"), build)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	tests := []struct {
		path string
		want os.FileMode
	}{
		{".", os.ModeDir | 0o755},
		{"d", os.ModeDir | 0o755},
		{"prog", 0o755},
		{"d/data", 0o644},
	}
	for _, tt := range tests {
		fi, err := os.Lstat(filepath.Join(dir, tt.path))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != tt.want {
			t.Errorf("%s: mode %v, want %v", tt.path, fi.Mode(), tt.want)
		}
		if uid := ownerUID(fi); uid != os.Getuid() {
			t.Errorf("%s: owner %d, want %d", tt.path, uid, os.Getuid())
		}
	}
}

func TestBuildErrorNotCached(t *testing.T) {
	t.Parallel()
	c := open(t, 1<<20)
	k := key("fails")
	boom := errors.New("boom")
	_, _, _, err := c.Do(context.Background(), k, func(context.Context, string) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want the build's", err)
	}
	if _, ok := c.Get(k); ok {
		t.Fatal("a failed build was cached")
	}
	_, release, hit, err := c.Do(context.Background(), k, sized(1))
	if err != nil || hit {
		t.Fatalf("retry: hit %v err %v, want a fresh build", hit, err)
	}
	release()
}

func TestConcurrentDoBuildsOnce(t *testing.T) {
	t.Parallel()
	c := open(t, 1<<20)
	k := key("concurrent")
	var builds, hits atomic.Int32
	build := func(ctx context.Context, out string) error {
		builds.Add(1)
		time.Sleep(100 * time.Millisecond) // long enough that every caller arrives during it
		return writeFiles(map[string]string{"main": "ok"})(ctx, out)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir, release, hit, err := c.Do(context.Background(), k, build)
			if err != nil {
				errs <- err
				return
			}
			defer release()
			if hit {
				hits.Add(1)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "main")); err != nil || string(b) != "ok" {
				errs <- errors.New("artifact missing or wrong")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if builds.Load() != 1 || hits.Load() != 15 {
		t.Fatalf("%d builds and %d hits, want 1 and 15", builds.Load(), hits.Load())
	}
}

func TestDoWaitHonoursContext(t *testing.T) {
	t.Parallel()
	c := open(t, 1<<20)
	k := key("slow")
	started, finish := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, release, _, err := c.Do(context.Background(), k, func(ctx context.Context, out string) error {
			close(started)
			<-finish
			return sized(1)(ctx, out)
		})
		if err == nil {
			release()
		}
		done <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, _, err := c.Do(ctx, k, sized(1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting Do: err %v, want the deadline", err)
	}
	close(finish)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
