// Tests of blocking pickup: idle workers are woken, not polling, on a private Redis.

package redisqueue_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// awaitBlocked waits until a client of rdb's server is blocked (in BLPOP: nothing else here
// blocks): a worker found no task and waits for a wake-up.
func awaitBlocked(t *testing.T, rdb *redis.Client) {
	t.Helper()
	testsvc.Await(t, 15*time.Second, func() error {
		if n, err := infoField(rdb, "clients", "blocked_clients"); err != nil || n == 0 {
			return fmt.Errorf("no worker waits for a wake-up: %d blocked clients, %v", n, err)
		}
		return nil
	})
}

// infoField reads a numeric field of a section of Redis's INFO.
func infoField(rdb *redis.Client, section, field string) (int, error) {
	info, err := rdb.Info(context.Background(), section).Result()
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, fmt.Errorf("no %s in INFO %s", field, section)
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
	ctx := context.Background()
	got := runFailingFirst(t, q)
	awaitBlocked(t, rdb)
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: "dead"}); err != nil {
		t.Fatal(err)
	}
	expectRetried(t, got, "dead", 0)
	testsvc.Await(t, 15*time.Second, func() error {
		if dead, err := q.Dead(ctx); err != nil || len(dead) != 1 {
			return fmt.Errorf("Dead() = %v, %v, want one job", dead, err)
		}
		return nil
	})
	awaitBlocked(t, rdb)
	if err := q.Requeue(ctx, "dead"); err != nil {
		t.Fatal(err)
	}
	expectRetried(t, got, "dead", 0) // a requeued job keeps its retry count
}

// runFailingFirst runs q until the test ends, sending it every delivery; a job's first
// delivery fails.
func runFailingFirst(t *testing.T, q *redisqueue.Queue) <-chan queue.Delivery {
	t.Helper()
	got := make(chan queue.Delivery, 4)
	stop := runUntilStopped(t, q, func(_ context.Context, d queue.Delivery) error {
		got <- d
		if d.Retried == 0 {
			return errors.New("fails once")
		}
		return nil
	})
	t.Cleanup(stop)
	return got
}

// runHolding runs q with one slot, which the first job holds until its context ends, past
// Config.ShutdownTimeout after stop; started closes when the job starts. stop returns when Run
// did; the test's end calls it too.
func runHolding(t *testing.T, q *redisqueue.Queue) (started <-chan struct{}, stop func()) {
	t.Helper()
	start := make(chan struct{})
	stop = runUntilStopped(t, q, func(hctx context.Context, _ queue.Delivery) error {
		close(start)
		<-hctx.Done()
		return hctx.Err()
	})
	t.Cleanup(stop)
	return start, stop
}

// runUntilStopped runs q with one slot and returns what stops it and waits for Run (once).
func runUntilStopped(t *testing.T, q *redisqueue.Queue, h queue.Handler) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- q.Run(ctx, 1, h) }()
	return sync.OnceFunc(func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
}

// expectRetried waits for a delivery of id after the given number of retries.
func expectRetried(t *testing.T, got <-chan queue.Delivery, id string, retried int) {
	t.Helper()
	select {
	case d := <-got:
		if d.Job.ExecutionID != id || d.Retried != retried {
			t.Errorf("delivery %+v, want %s after %d retries", d, id, retried)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("%s (after %d retries) not delivered while the poll interval is %v", id, retried, longPoll)
	}
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
	// The measurement window: the idle worker's commands are counted over it.
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
	n, err := infoField(rdb, "stats", "total_commands_processed")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHandedBackTaskWakesIdleWorker: a task a stopping worker hands back (its handler outlived
// ShutdownTimeout) wakes another, idle worker.
func TestHandedBackTaskWakesIdleWorker(t *testing.T) {
	t.Parallel()
	srv, rdb := privateRedis(t)
	name := testsvc.QueueName(t)
	stopping := open(t, srv.URL(), redisqueue.Config{Name: name, PollInterval: longPoll, ShutdownTimeout: 100 * time.Millisecond})
	idle := open(t, srv.URL(), redisqueue.Config{Name: name, PollInterval: longPoll})
	started, stop := runHolding(t, stopping)
	awaitBlocked(t, rdb)
	if err := stopping.Enqueue(context.Background(), execution.Job{ExecutionID: "handed"}); err != nil {
		t.Fatal(err)
	}
	<-started
	got := runRecording(t, idle)
	awaitBlocked(t, rdb) // the only waiter now: the stopping worker's one slot is busy
	stop()
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
	ctx := context.Background()
	started, _ := runHolding(t, busy)
	awaitBlocked(t, rdb)
	if err := busy.Enqueue(ctx, execution.Job{ExecutionID: "blocker"}); err != nil {
		t.Fatal(err)
	}
	<-started
	got := runFailingFirst(t, idle)
	awaitBlocked(t, rdb)
	if err := idle.Enqueue(ctx, execution.Job{ExecutionID: "retried"}); err != nil {
		t.Fatal(err)
	}
	expectRetried(t, got, "retried", 0)
	expectRetried(t, got, "retried", 1)
}
