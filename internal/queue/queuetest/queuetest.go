// Package queuetest is the conformance suite every queue.Queue implementation passes.

package queuetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

// Config is what the suite asks of a new queue.
type Config struct {
	Capacity int                       // backlog bound
	MaxRetry int                       // retries after the first delivery
	Backoff  func(n int) time.Duration // delay before retry n; tiny in the suite
}

// Open returns a new, empty queue, isolated from every other queue the suite opens. The suite
// closes it when the test ends.
type Open func(t *testing.T, cfg Config) queue.Queue

// wait bounds every wait for a delivery; Redis-backed queues poll, and retries are promoted
// at one-second resolution there.
const wait = 15 * time.Second

// Run runs the conformance suite against the queues open returns.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Open)
	}{
		{"Delivery", testDelivery},
		{"ConcurrencyBound", testConcurrencyBound},
		{"IdempotentEnqueue", testIdempotentEnqueue},
		{"Full", testFull},
		{"Depth", testDepth},
		{"RetryThenSuccess", testRetryThenSuccess},
		{"DeadThenRequeue", testDeadThenRequeue},
		{"GracefulShutdown", testGracefulShutdown},
		{"EnqueueAfterCompletion", testEnqueueAfterCompletion},
		{"EnqueueWhileActive", testEnqueueWhileActive},
		{"TraceParent", testTraceParent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// fastBackoff keeps retries quick.
func fastBackoff(int) time.Duration { return 10 * time.Millisecond }

// setup opens a queue with cfg's defaults filled in and closes it after the test.
func setup(t *testing.T, open Open, cfg Config) queue.Queue {
	t.Helper()
	if cfg.Capacity == 0 {
		cfg.Capacity = 100
	}
	if cfg.MaxRetry == 0 {
		cfg.MaxRetry = 2
	}
	if cfg.Backoff == nil {
		cfg.Backoff = fastBackoff
	}
	q := open(t, cfg)
	t.Cleanup(func() { _ = q.Close() })
	return q
}

// start runs q in the background; the returned stop cancels it and waits for Run to return.
func start(t *testing.T, q queue.Queue, concurrency int, h queue.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, concurrency, h) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v, want nil", err)
				}
			case <-time.After(wait):
				t.Errorf("Run did not return within %v of its context being cancelled", wait)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func enqueue(t *testing.T, q queue.Queue, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := q.Enqueue(context.Background(), execution.Job{ExecutionID: id}); err != nil {
			t.Fatalf("Enqueue(%s) = %v", id, err)
		}
	}
}

// uniqueIDs returns n execution ids that no other test uses.
func uniqueIDs(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%d-%d", t.Name(), time.Now().UnixNano(), i)
	}
	return ids
}

// recv waits for the next delivery on ch.
func recv(t *testing.T, ch <-chan queue.Delivery) queue.Delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(wait):
		t.Fatalf("no delivery within %v", wait)
		return queue.Delivery{}
	}
}

// quiet asserts nothing arrives on ch for a while.
func quiet(t *testing.T, ch <-chan queue.Delivery, d time.Duration) {
	t.Helper()
	select {
	case got := <-ch:
		t.Fatalf("unexpected delivery %+v", got)
	case <-time.After(d):
	}
}

// depth asserts q's depth, polling until it matches or the wait is over.
func depth(t *testing.T, q queue.Queue, want int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		got, err := q.Depth(context.Background())
		if err != nil {
			t.Fatalf("Depth() error %v", err)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Depth() = %d, want %d", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// counter counts deliveries per execution id.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[id]++
	return c.n[id]
}

func (c *counter) get(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}

// flag is a boolean set from a handler and read from the test.
type flag struct{ atomic.Bool }

var errInfra = errors.New("infrastructure trouble")
