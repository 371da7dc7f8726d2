// The conformance cases: what every queue.Queue must do.

package queuetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

func testDelivery(t *testing.T, open Open) {
	q := setup(t, open, Config{MaxRetry: 2})
	ids := uniqueIDs(t, 5)
	enqueue(t, q, ids...)
	got := make(chan queue.Delivery, 10)
	start(t, q, 2, func(ctx context.Context, d queue.Delivery) error { got <- d; return nil })
	var seen []string
	for range ids {
		d := recv(t, got)
		if d.Retried != 0 || d.MaxRetry != 2 || d.Last() {
			t.Errorf("delivery %+v: want Retried 0, MaxRetry 2, not Last", d)
		}
		seen = append(seen, d.Job.ExecutionID)
	}
	slices.Sort(seen)
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(seen, want) {
		t.Errorf("delivered %v, want %v", seen, want)
	}
	quiet(t, got, 300*time.Millisecond)
	depth(t, q, 0)
}

func testConcurrencyBound(t *testing.T, open Open) {
	q := setup(t, open, Config{})
	const concurrency, jobs = 2, 6
	enqueue(t, q, uniqueIDs(t, jobs)...)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	wg.Add(jobs)
	start(t, q, concurrency, func(ctx context.Context, d queue.Delivery) error {
		defer wg.Done()
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(300 * time.Millisecond)
		return nil
	})
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatalf("the %d jobs did not all run within %v", jobs, wait)
	}
	if got := peak.Load(); got != concurrency {
		t.Errorf("peak concurrent handlers = %d, want %d", got, concurrency)
	}
}

func testIdempotentEnqueue(t *testing.T, open Open) {
	q := setup(t, open, Config{})
	id := uniqueIDs(t, 1)[0]
	enqueue(t, q, id, id, id)
	depth(t, q, 1)
	got := make(chan queue.Delivery, 10)
	start(t, q, 2, func(ctx context.Context, d queue.Delivery) error { got <- d; return nil })
	if d := recv(t, got); d.Job.ExecutionID != id {
		t.Errorf("delivered %q, want %q", d.Job.ExecutionID, id)
	}
	quiet(t, got, 500*time.Millisecond)
}

func testFull(t *testing.T, open Open) {
	q := setup(t, open, Config{Capacity: 3})
	ids := uniqueIDs(t, 4)
	enqueue(t, q, ids[:3]...)
	ctx := context.Background()
	began := time.Now()
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: ids[3]}); !errors.Is(err, queue.ErrFull) {
		t.Errorf("Enqueue past capacity = %v, want ErrFull", err)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("Enqueue past capacity took %v, want an immediate answer", d)
	}
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: ids[0]}); err != nil {
		t.Errorf("Enqueue of a pending job at capacity = %v, want nil (no-op)", err)
	}
	depth(t, q, 3)
}

func testDepth(t *testing.T, open Open) {
	q := setup(t, open, Config{})
	depth(t, q, 0)
	enqueue(t, q, uniqueIDs(t, 2)...)
	depth(t, q, 2)
	if err := q.Ping(context.Background()); err != nil {
		t.Errorf("Ping() = %v", err)
	}
}

func testRetryThenSuccess(t *testing.T, open Open) {
	q := setup(t, open, Config{MaxRetry: 2})
	id := uniqueIDs(t, 1)[0]
	enqueue(t, q, id)
	got := make(chan queue.Delivery, 10)
	start(t, q, 1, func(ctx context.Context, d queue.Delivery) error {
		got <- d
		if d.Retried < 2 {
			return errInfra
		}
		return nil
	})
	for want := range 3 {
		d := recv(t, got)
		if d.Job.ExecutionID != id || d.Retried != want || d.Last() != (want == 2) {
			t.Errorf("delivery %d = %+v, want %s with Retried %d", want, d, id, want)
		}
	}
	quiet(t, got, 500*time.Millisecond)
	depth(t, q, 0)
	if dead, err := q.Dead(context.Background()); err != nil || len(dead) != 0 {
		t.Errorf("Dead() = %v, %v; want none", dead, err)
	}
}

func testDeadThenRequeue(t *testing.T, open Open) {
	q := setup(t, open, Config{MaxRetry: 1})
	id := uniqueIDs(t, 1)[0]
	enqueue(t, q, id)
	var healthy flag
	got := make(chan queue.Delivery, 10)
	start(t, q, 1, func(ctx context.Context, d queue.Delivery) error {
		got <- d
		if healthy.Load() {
			return nil
		}
		return errInfra
	})
	recv(t, got)
	if d := recv(t, got); !d.Last() {
		t.Errorf("second delivery %+v: want Last with MaxRetry 1", d)
	}
	dead := waitDead(t, q, 1)
	d := dead[0]
	if d.Job.ExecutionID != id || !strings.Contains(d.LastError, errInfra.Error()) ||
		d.Retried != 1 || time.Since(d.FailedAt) > time.Minute {
		t.Errorf("dead job = %+v, want %s failed just now with %q after 1 retry", d, id, errInfra)
	}
	depth(t, q, 0)
	ctx := context.Background()
	if err := q.Requeue(ctx, "no-such-job"); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Requeue(unknown) = %v, want ErrNotFound", err)
	}
	healthy.Store(true)
	if err := q.Requeue(ctx, d.ID); err != nil {
		t.Fatalf("Requeue(%s) = %v", d.ID, err)
	}
	if d := recv(t, got); d.Job.ExecutionID != id {
		t.Errorf("requeued delivery %+v, want %s", d, id)
	}
	waitDead(t, q, 0)
	if err := q.Requeue(ctx, d.ID); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("second Requeue = %v, want ErrNotFound", err)
	}
}

// waitDead polls until the dead-letter set holds n jobs.
func waitDead(t *testing.T, q queue.Queue, n int) []queue.DeadJob {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		dead, err := q.Dead(context.Background())
		if err != nil {
			t.Fatalf("Dead() error %v", err)
		}
		if len(dead) == n {
			return dead
		}
		if time.Now().After(deadline) {
			t.Fatalf("Dead() = %+v, want %d jobs", dead, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testGracefulShutdown(t *testing.T, open Open) {
	q := setup(t, open, Config{})
	enqueue(t, q, uniqueIDs(t, 1)...)
	started := make(chan struct{})
	var finished, cancelled flag
	stop := start(t, q, 1, func(ctx context.Context, d queue.Delivery) error {
		close(started)
		time.Sleep(700 * time.Millisecond)
		cancelled.Store(ctx.Err() != nil)
		finished.Store(true)
		return nil
	})
	select {
	case <-started:
	case <-time.After(wait):
		t.Fatal("handler did not start")
	}
	stop()
	if !finished.Load() {
		t.Error("Run returned before its running handler finished")
	}
	if cancelled.Load() {
		t.Error("the handler's context was cancelled by the shutdown")
	}
}

func testEnqueueAfterCompletion(t *testing.T, open Open) {
	q := setup(t, open, Config{})
	id := uniqueIDs(t, 1)[0]
	got := make(chan queue.Delivery, 10)
	start(t, q, 1, func(ctx context.Context, d queue.Delivery) error { got <- d; return nil })
	for range 2 {
		enqueue(t, q, id)
		if d := recv(t, got); d.Job.ExecutionID != id {
			t.Errorf("delivered %+v, want %s", d, id)
		}
		time.Sleep(200 * time.Millisecond) // let the acknowledgement land
	}
}

// testEnqueueWhileActive is a lost delivery (its worker was killed): queuing the execution
// again while the old delivery still counts as running must deliver it again, once.
func testEnqueueWhileActive(t *testing.T, open Open) {
	q := setup(t, open, Config{})
	id := uniqueIDs(t, 1)[0]
	enqueue(t, q, id)
	release := make(chan struct{})
	var calls counter
	got := make(chan queue.Delivery, 10)
	start(t, q, 2, func(ctx context.Context, d queue.Delivery) error {
		got <- d
		if calls.add(d.Job.ExecutionID) == 1 {
			<-release
		}
		return nil
	})
	defer close(release)
	recv(t, got)
	enqueue(t, q, id)
	if d := recv(t, got); d.Job.ExecutionID != id {
		t.Errorf("second delivery %+v, want %s", d, id)
	}
	quiet(t, got, 500*time.Millisecond)
	if n := calls.get(id); n != 2 {
		t.Errorf("%d deliveries, want 2", n)
	}
}
