// Tests of the Redis queue against a real Redis: the conformance suite and asynq's specifics.

package redisqueue_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/queue/queuetest"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/testsvc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// open returns a queue with its own name in a test database, and removes the queue's keys
// when the test ends. The poll interval is DefaultPollInterval (QUEUE_POLL_INTERVAL's default)
// unless cfg sets one: deliveries must come from wake-ups, not from fast polling.
func open(t *testing.T, url string, cfg redisqueue.Config) *redisqueue.Queue {
	t.Helper()
	cfg.URL = url
	if cfg.Name == "" {
		cfg.Name = testsvc.QueueName(t)
	}
	q, err := redisqueue.New(cfg)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	t.Cleanup(func() {
		_ = q.Close()
		_ = deleteQueue(url, cfg.Name)
	})
	return q
}

// deleteQueue removes a test queue's keys, asynq's and the wake-up list.
func deleteQueue(url, name string) error {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	in := asynq.NewInspectorFromRedisClient(rdb)
	return errors.Join(in.DeleteQueue(name, true), rdb.Del(context.Background(), "livecode:{"+name+"}:wake").Err())
}

func TestConformance(t *testing.T) {
	t.Parallel()
	url := testsvc.Redis(t)
	queuetest.Run(t, func(t *testing.T, cfg queuetest.Config) queue.Queue {
		return open(t, url, redisqueue.Config{Capacity: cfg.Capacity, MaxRetry: cfg.MaxRetry, Backoff: cfg.Backoff})
	})
}

func TestNewRejectsBadURL(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"", "http://localhost:6379", "redis://localhost:6379/notadb"} {
		if _, err := redisqueue.New(redisqueue.Config{URL: url}); err == nil {
			t.Errorf("New(%q) = nil error, want one", url)
		}
	}
}

// TestDepthMatchesInspector checks the keys Depth reads are asynq's.
func TestDepthMatchesInspector(t *testing.T) {
	t.Parallel()
	url := testsvc.Redis(t)
	name := testsvc.QueueName(t)
	q := open(t, url, redisqueue.Config{Name: name})
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c"} {
		if err := q.Enqueue(ctx, execution.Job{ExecutionID: id}); err != nil {
			t.Fatal(err)
		}
	}
	opt, _ := asynq.ParseRedisURI(url)
	in := asynq.NewInspector(opt)
	defer in.Close()
	info, err := in.GetQueueInfo(name)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := info.Pending + info.Scheduled + info.Retry; got != want || got != 3 {
		t.Errorf("Depth() = %d, inspector says %d, want 3", got, want)
	}
}

// TestCompletedTaskIsDeleted checks asynq keeps nothing of a finished task (no retention), which
// is what lets an execution be queued again.
func TestCompletedTaskIsDeleted(t *testing.T) {
	t.Parallel()
	url := testsvc.Redis(t)
	name := testsvc.QueueName(t)
	q := open(t, url, redisqueue.Config{Name: name})
	ctx, cancel := context.WithCancel(context.Background())
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: "x"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	runErr := make(chan error, 1)
	go func() {
		runErr <- q.Run(ctx, 1, func(context.Context, queue.Delivery) error { close(done); return nil })
	}()
	<-done
	opt, _ := asynq.ParseRedisURI(url)
	in := asynq.NewInspector(opt)
	defer in.Close()
	testsvc.Eventually(t, 5*time.Second, "the completed task is deleted from Redis", func() bool {
		_, err := in.GetTaskInfo(name, "x")
		return err != nil // asynq.ErrTaskNotFound: deleted
	})
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run() = %v", err)
	}
}

// TestTaskIDChainIsIdempotent: while the execution's first task is active, the second of the
// chain takes over, and queuing again stays a no-op.
func TestTaskIDChainIsIdempotent(t *testing.T) {
	t.Parallel()
	url := testsvc.Redis(t)
	name := testsvc.QueueName(t)
	q := open(t, url, redisqueue.Config{Name: name})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := q.Enqueue(ctx, execution.Job{ExecutionID: "e"}); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	runErr := make(chan error, 1)
	go func() {
		runErr <- q.Run(ctx, 1, func(context.Context, queue.Delivery) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	for range 3 {
		if err := q.Enqueue(ctx, execution.Job{ExecutionID: "e"}); err != nil {
			t.Fatal(err)
		}
	}
	opt, _ := asynq.ParseRedisURI(url)
	in := asynq.NewInspector(opt)
	defer in.Close()
	pending, err := in.ListPendingTasks(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != "e:r1" {
		t.Errorf("pending tasks %v, want just e:r1", pending)
	}
	close(release)
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run() = %v", err)
	}
}
