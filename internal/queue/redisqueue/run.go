// Run loop of the Redis queue: an asynq server per Run, with graceful shutdown.
package redisqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

// errStopping refuses a task that asynq starts after Run gave up waiting for handlers.
var errStopping = errors.New("redisqueue: worker stopping")

// Run delivers jobs to h, at most concurrency (minimum 1) at a time, until ctx is done; then it
// stops taking tasks, waits for the running handlers and returns nil. While Redis is down it
// keeps trying and resumes when Redis returns. A handler's context is cancelled only if asynq
// loses the task's lease (Redis unreachable for about 30 s, when another worker may take the
// task) or after Config.ShutdownTimeout, when asynq hands the task back to the queue. A
// handler error schedules a retry after Config.Backoff; after MaxRetry retries the task is
// archived, which is the dead-letter set. It returns an error only if asynq cannot start.
func (q *Queue) Run(ctx context.Context, concurrency int, h queue.Handler) error {
	concurrency = max(concurrency, 1)
	// slots counts running handlers; filling it after Shutdown waits for the last of them,
	// even those asynq stopped waiting for.
	slots := make(chan struct{}, concurrency)
	srv := asynq.NewServerFromRedisClient(q.rdb, asynq.Config{
		Concurrency:              concurrency,
		Queues:                   map[string]int{q.cfg.Name: 1},
		RetryDelayFunc:           func(n int, _ error, _ *asynq.Task) time.Duration { return q.cfg.Backoff(n + 1) },
		Logger:                   newLogger(q.cfg.Logger.With("component", "asynq", "queue", q.cfg.Name)),
		LogLevel:                 asynq.WarnLevel,
		ShutdownTimeout:          q.cfg.ShutdownTimeout,
		TaskCheckInterval:        q.cfg.PollInterval,
		DelayedTaskCheckInterval: q.cfg.PollInterval,
	})
	handler := asynq.HandlerFunc(func(hctx context.Context, t *asynq.Task) error {
		select {
		case slots <- struct{}{}:
		default:
			return errStopping
		}
		defer func() { <-slots }()
		var p payload
		if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ExecutionID == "" {
			return fmt.Errorf("redisqueue: bad task payload %q: %w", t.Payload(), asynq.SkipRetry)
		}
		retried, _ := asynq.GetRetryCount(hctx)
		maxRetry, _ := asynq.GetMaxRetry(hctx)
		return h(hctx, queue.Delivery{Job: execution.Job{ExecutionID: p.ExecutionID}, Retried: retried, MaxRetry: maxRetry})
	})
	if err := srv.Start(handler); err != nil {
		return fmt.Errorf("redisqueue: start worker: %w", err)
	}
	<-ctx.Done()
	srv.Shutdown()
	for range concurrency {
		slots <- struct{}{}
	}
	return nil
}
