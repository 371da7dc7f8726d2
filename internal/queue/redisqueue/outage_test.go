// Outage tests: a private Redis stopped, restarted, frozen and resumed under a live queue.

package redisqueue_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/testsvc"
)

const outageTimeout = time.Second

// outageSlack is what a failing call may take past the timeout on a slow, loaded host: a bound
// that tells "gives up at its timeout" from "hangs", not a speed.
const outageSlack = 2 * time.Second

// within asserts that call fails with queue.ErrUnavailable within the queue's Timeout plus slack.
func within(t *testing.T, what string, call func(ctx context.Context) error) {
	t.Helper()
	began := time.Now()
	err := call(context.Background())
	took := time.Since(began)
	if !errors.Is(err, queue.ErrUnavailable) {
		t.Errorf("%s during the outage = %v, want ErrUnavailable", what, err)
	}
	if took > outageTimeout+outageSlack {
		t.Errorf("%s took %v during the outage, want at most %v", what, took, outageTimeout)
	}
}

// outageChecks are the calls that must fail fast while Redis is away.
func outageChecks(t *testing.T, q *redisqueue.Queue) {
	t.Helper()
	within(t, "Enqueue", func(ctx context.Context) error {
		return q.Enqueue(ctx, execution.Job{ExecutionID: "refused"})
	})
	within(t, "Ping", q.Ping)
	within(t, "Depth", func(ctx context.Context) error { _, err := q.Depth(ctx); return err })
}

// runRecording runs q in the background, sending delivered execution ids to the channel.
func runRecording(t *testing.T, q *redisqueue.Queue) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string, 10)
	done := make(chan error, 1)
	go func() {
		done <- q.Run(ctx, 2, func(_ context.Context, d queue.Delivery) error {
			got <- d.Job.ExecutionID
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("Run did not return after cancellation")
		}
	})
	return got
}

func enqueueAndExpect(t *testing.T, q *redisqueue.Queue, got <-chan string, id string) {
	t.Helper()
	if err := q.Enqueue(context.Background(), execution.Job{ExecutionID: id}); err != nil {
		t.Fatalf("Enqueue(%s) = %v", id, err)
	}
	select {
	case g := <-got:
		if g != id {
			t.Errorf("delivered %q, want %q", g, id)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("%s not delivered", id)
	}
}

func TestRedisStoppedAndRestarted(t *testing.T) {
	t.Parallel()
	srv := testsvc.StartRedis(t)
	q := open(t, srv.URL(), redisqueue.Config{Timeout: outageTimeout})
	got := runRecording(t, q)
	enqueueAndExpect(t, q, got, "before")

	srv.Stop()
	outageChecks(t, q)
	time.Sleep(2 * time.Second) // the outage under test lasts while the worker's reads fail and it retries

	srv.Start()
	// go-redis redials once a second after a failed dial burst: allow it a few seconds.
	waitPing(t, q, 5*time.Second)
	enqueueAndExpect(t, q, got, "after")
}

func TestRedisFrozen(t *testing.T) {
	t.Parallel()
	srv := testsvc.StartRedis(t)
	q := open(t, srv.URL(), redisqueue.Config{Timeout: outageTimeout})
	got := runRecording(t, q)
	enqueueAndExpect(t, q, got, "before")

	srv.Pause()
	outageChecks(t, q)
	srv.Resume()
	waitPing(t, q, 5*time.Second)
	enqueueAndExpect(t, q, got, "after")
}

// TestAcceptedJobSurvivesRestart: a job accepted before Redis went down runs once it is back.
func TestAcceptedJobSurvivesRestart(t *testing.T) {
	t.Parallel()
	srv := testsvc.StartRedis(t)
	q := open(t, srv.URL(), redisqueue.Config{Timeout: outageTimeout})
	if err := q.Enqueue(context.Background(), execution.Job{ExecutionID: "accepted"}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	got := runRecording(t, q) // the worker starts during the outage
	// The outage under test lasts while the worker starts.
	time.Sleep(time.Second)
	srv.Start()
	select {
	case id := <-got:
		if id != "accepted" {
			t.Errorf("delivered %q, want accepted", id)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the accepted job was not delivered after Redis returned")
	}
}

// waitPing waits until q reaches Redis again.
func waitPing(t *testing.T, q *redisqueue.Queue, wait time.Duration) {
	t.Helper()
	began := time.Now()
	testsvc.Await(t, wait, func() error {
		if err := q.Ping(context.Background()); err != nil {
			return fmt.Errorf("Ping() still %v after Redis returned", err)
		}
		return nil
	})
	t.Logf("Redis reachable again %v after its return", time.Since(began).Round(time.Millisecond))
}
