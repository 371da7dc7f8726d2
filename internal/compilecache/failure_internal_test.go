// Compile once, fail once: a failed build is shared with its waiters, never with later callers.

package compilecache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/testsvc"
)

func openInternal(t *testing.T) *Cache {
	t.Helper()
	c, err := Open(filepath.Join(t.TempDir(), "cache"), Bounds{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// awaitCallers waits until n callers of key are inside Do in this process: one building, the
// others waiting for its lock.
func awaitCallers(t *testing.T, c *Cache, key string, n int) {
	t.Helper()
	testsvc.Eventually(t, 10*time.Second, fmt.Sprintf("%d callers of the key arrive", n), func() bool {
		c.keys.mu.Lock()
		defer c.keys.mu.Unlock()
		l := c.keys.m[key]
		return l != nil && l.refs == n
	})
}

func TestFailureSharedWithWaitersOnly(t *testing.T) {
	t.Parallel()
	c := openInternal(t)
	key := Key("test", "v1", []string{"cc"}, []execution.File{{Name: "main", Content: "fails"}})
	var builds atomic.Int32
	unblock := make(chan struct{})
	failing := func(context.Context, string) error {
		builds.Add(1)
		<-unblock
		return &Failure{Outcome: []byte("no such name")}
	}
	const waiters = 2
	errs := make([]error, waiters+1)
	var wg sync.WaitGroup
	do := func(i int) {
		defer wg.Done()
		_, _, _, errs[i] = c.Do(context.Background(), key, failing)
	}
	wg.Add(1)
	go do(0)
	awaitCallers(t, c, key, 1)
	for i := 1; i <= waiters; i++ {
		wg.Add(1)
		go do(i)
	}
	awaitCallers(t, c, key, waiters+1)
	close(unblock)
	wg.Wait()
	for i, err := range errs {
		var f *Failure
		if !errors.As(err, &f) || string(f.Outcome) != "no such name" {
			t.Fatalf("caller %d: got %v; want the shared failure", i, err)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds for %d concurrent callers; want 1", n, waiters+1)
	}

	// A later caller was not waiting: it builds again, and its success clears the record.
	dir, release, hit, err := c.Do(context.Background(), key, func(_ context.Context, out string) error {
		builds.Add(1)
		return os.WriteFile(filepath.Join(out, "main"), []byte("fixed"), 0o644)
	})
	if err != nil || hit || builds.Load() != 2 {
		t.Fatalf("later caller: err %v, hit %v, builds %d; want a fresh build", err, hit, builds.Load())
	}
	release()
	if _, err := os.Stat(filepath.Join(dir, "main")); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.readFailure(key); ok {
		t.Fatal("the failure record outlived a successful build")
	}
}

func TestWaitBoundedByContext(t *testing.T) {
	t.Parallel()
	c := openInternal(t)
	key := Key("test", "v1", []string{"cc"}, []execution.File{{Name: "main", Content: "slow"}})
	unblock := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, _, _, err := c.Do(context.Background(), key, func(context.Context, string) error {
			<-unblock
			return &Failure{}
		})
		done <- err
	}()
	awaitCallers(t, c, key, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, _, err := c.Do(ctx, key, func(context.Context, string) error {
		t.Error("the waiter built while the key was locked")
		return nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter: got %v; want its deadline", err)
	}
	close(unblock)
	if err := <-done; err == nil {
		t.Fatal("the builder's failure was lost")
	}
}
