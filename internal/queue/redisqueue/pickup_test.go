// Tests of blocking pickup: idle workers are woken, not polling, on a private Redis.
package redisqueue_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/testsvc"
)

// longPoll is far longer than any test waits: a delivery under it came from a wake-up.
const longPoll = time.Hour

// privateRedis starts a Redis of the test's own, so that its clients and counters are the
// test's alone, and returns a client to it.
func privateRedis(t *testing.T) (*testsvc.RedisServer, *redis.Client) {
	t.Helper()
	srv := testsvc.StartRedis(t)
	opt, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return srv, rdb
}

// awaitBlocked waits until a client of rdb's server is blocked in BLPOP: the worker found no
// task and waits for a wake-up.
func awaitBlocked(t *testing.T, rdb *redis.Client) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, err := rdb.ClientList(context.Background()).Result()
		if err == nil && strings.Contains(list, "cmd=blpop") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no worker waits in BLPOP: %v\n%s", err, list)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func expectDelivery(t *testing.T, got <-chan string, id string) {
	t.Helper()
	select {
	case g := <-got:
		if g != id {
			t.Errorf("delivered %q, want %q", g, id)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("%s not delivered while the poll interval is %v", id, longPoll)
	}
}

func TestEnqueueWakesIdleWorker(t *testing.T) {
	t.Parallel()
	srv, rdb := privateRedis(t)
	q := open(t, srv.URL(), redisqueue.Config{PollInterval: longPoll})
	got := runRecording(t, q)
	for _, id := range []string{"first", "second"} {
		awaitBlocked(t, rdb)
		if err := q.Enqueue(context.Background(), execution.Job{ExecutionID: id}); err != nil {
			t.Fatal(err)
		}
		expectDelivery(t, got, id)
	}
}

func TestRequeueWakesIdleWorker(t *testing.T) {
	t.Parallel()
	srv, rdb := privateRedis(t)
	q := open(t, srv.URL(), redisqueue.Config{PollInterval: longPoll, MaxRetry: -1})
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string, 2)
	runErr := make(chan error, 1)
	go func() {
		runErr <- q.Run(ctx, 1, func(_ context.Context, d queue.Delivery) error {
			got <- d.Job.ExecutionID
			if d.Retried == 0 {
				return errors.New("fails once")
			}
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
	awaitBlocked(t, rdb)
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: "dead"}); err != nil {
		t.Fatal(err)
	}
	expectDelivery(t, got, "dead")
	deadline := time.Now().Add(15 * time.Second)
	for {
		dead, err := q.Dead(ctx)
		if err == nil && len(dead) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Dead() = %v, %v, want one job", dead, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	awaitBlocked(t, rdb)
	if err := q.Requeue(ctx, "dead"); err != nil {
		t.Fatal(err)
	}
	expectDelivery(t, got, "dead")
}

// TestIdleWorkerRedisLoad counts the commands an idle worker sends to Redis (commands run by
// its scripts included) at the default poll interval. Timers drive them, so a slower host
// sends fewer, never more.
func TestIdleWorkerRedisLoad(t *testing.T) {
	t.Parallel()
	const window, limit = 10 * time.Second, 20.0 // commands per second
	srv, rdb := privateRedis(t)
	q := open(t, srv.URL(), redisqueue.Config{})
	runRecording(t, q)
	awaitBlocked(t, rdb)
	before := commandsProcessed(t, rdb)
	time.Sleep(window)
	n := commandsProcessed(t, rdb) - before - 1 // the INFO of the first count
	if rate := float64(n) / window.Seconds(); rate > limit {
		t.Errorf("idle worker sent %.1f Redis commands/s, want at most %v", rate, limit)
	} else {
		t.Logf("idle worker: %.1f Redis commands/s", rate)
	}
}

// commandsProcessed reads Redis's count of commands run, those run by scripts included.
func commandsProcessed(t *testing.T, rdb *redis.Client) int {
	t.Helper()
	info, err := rdb.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no total_commands_processed in INFO stats:\n%s", info)
	return 0
}

// TestHandedBackTaskWakesIdleWorker: a task a stopping worker hands back (its handler outlived
// ShutdownTimeout) wakes another, idle worker.
func TestHandedBackTaskWakesIdleWorker(t *testing.T) {
	t.Parallel()
	srv, rdb := privateRedis(t)
	name := testsvc.QueueName(t)
	stopping := open(t, srv.URL(), redisqueue.Config{Name: name, PollInterval: longPoll, ShutdownTimeout: 100 * time.Millisecond})
	idle := open(t, srv.URL(), redisqueue.Config{Name: name, PollInterval: longPoll})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	runErr := make(chan error, 1)
	go func() {
		runErr <- stopping.Run(ctx, 1, func(hctx context.Context, _ queue.Delivery) error {
			close(started)
			<-hctx.Done() // outlives ShutdownTimeout
			return hctx.Err()
		})
	}()
	awaitBlocked(t, rdb)
	if err := stopping.Enqueue(ctx, execution.Job{ExecutionID: "handed"}); err != nil {
		t.Fatal(err)
	}
	<-started
	got := runRecording(t, idle)
	awaitBlocked(t, rdb) // the only waiter now: the stopping worker's one slot is busy
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run() = %v", err)
	}
	expectDelivery(t, got, "handed")
}

// TestDueRetryWakesIdleWorker: a retry that falls due wakes an idle worker. The worker that
// forwards it is busy; the one woken would not look on its own for an hour.
func TestDueRetryWakesIdleWorker(t *testing.T) {
	t.Parallel()
	srv, rdb := privateRedis(t)
	name := testsvc.QueueName(t)
	busy := open(t, srv.URL(), redisqueue.Config{Name: name, PollInterval: time.Second, ShutdownTimeout: 100 * time.Millisecond})
	idle := open(t, srv.URL(), redisqueue.Config{Name: name, PollInterval: longPoll, Backoff: func(int) time.Duration { return time.Second }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	blocked := make(chan struct{})
	busyErr := make(chan error, 1)
	go func() {
		busyErr <- busy.Run(ctx, 1, func(hctx context.Context, _ queue.Delivery) error {
			close(blocked)
			<-hctx.Done()
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-busyErr; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
	awaitBlocked(t, rdb)
	if err := busy.Enqueue(ctx, execution.Job{ExecutionID: "blocker"}); err != nil {
		t.Fatal(err)
	}
	<-blocked
	got := make(chan queue.Delivery, 2)
	idleErr := make(chan error, 1)
	go func() {
		idleErr <- idle.Run(ctx, 1, func(_ context.Context, d queue.Delivery) error {
			got <- d
			if d.Retried == 0 {
				return errors.New("fails once")
			}
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-idleErr; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
	awaitBlocked(t, rdb)
	if err := idle.Enqueue(ctx, execution.Job{ExecutionID: "retried"}); err != nil {
		t.Fatal(err)
	}
	for retried := range 2 {
		select {
		case d := <-got:
			if d.Job.ExecutionID != "retried" || d.Retried != retried {
				t.Errorf("delivery %+v, want retried with %d retries", d, retried)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("delivery %d of the retried job did not come", retried+1)
		}
	}
}
