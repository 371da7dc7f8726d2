// Tests of the in-process queue: the conformance suite and what only memory can show.

package memqueue_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/queue/memqueue"
	"livecode/internal/queue/queuetest"
	"livecode/internal/testsvc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	t.Parallel()
	queuetest.Run(t, func(t *testing.T, cfg queuetest.Config) queue.Queue {
		return memqueue.New(memqueue.Config{Capacity: cfg.Capacity, MaxRetry: cfg.MaxRetry, Backoff: cfg.Backoff})
	})
}

func TestCloseStopsRunAndDropsRetries(t *testing.T) {
	t.Parallel()
	q := memqueue.New(memqueue.Config{Backoff: func(int) time.Duration { return time.Hour }})
	ctx := context.Background()
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: "a"}); err != nil {
		t.Fatal(err)
	}
	failed := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- q.Run(ctx, 1, func(context.Context, queue.Delivery) error {
			close(failed)
			return errors.New("boom")
		})
	}()
	<-failed
	// The retry is scheduled an hour away, and counts in the backlog.
	testsvc.Eventually(t, 5*time.Second, "depth 1", func() bool {
		got, err := q.Depth(context.Background())
		return err == nil && got == 1
	})
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run() = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after Close")
	}
	tests := []struct {
		name string
		err  error
	}{
		{"Enqueue", q.Enqueue(ctx, execution.Job{ExecutionID: "b"})},
		{"Ping", q.Ping(ctx)},
		{"Close again", q.Close()},
	}
	for _, tt := range tests {
		want := queue.ErrUnavailable
		if tt.name == "Close again" {
			want = nil
		}
		if !errors.Is(tt.err, want) {
			t.Errorf("%s after Close = %v, want %v", tt.name, tt.err, want)
		}
	}
}

func TestPanicIsAFailedDelivery(t *testing.T) {
	t.Parallel()
	q := memqueue.New(memqueue.Config{MaxRetry: -1})
	t.Cleanup(func() { _ = q.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: "p"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- q.Run(ctx, 1, func(context.Context, queue.Delivery) error { panic("bad handler") })
	}()
	var dead []queue.DeadJob
	testsvc.Eventually(t, 5*time.Second, "the panicking job reaches the dead-letter set", func() bool {
		var err error
		if dead, err = q.Dead(ctx); err != nil {
			t.Fatal(err)
		}
		return len(dead) == 1
	})
	if dead[0].LastError != "handler panic: bad handler" {
		t.Errorf("LastError = %q", dead[0].LastError)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run() = %v", err)
	}
}
