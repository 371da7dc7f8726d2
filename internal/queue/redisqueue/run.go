// Run loop of the Redis queue: an asynq server per Run, with graceful shutdown.

package redisqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"livecode/internal/queue"
)

// recheckPause is how long asynq's processor pauses after a look that found no task. The look
// already waited for a wake-up (see pickup), so the pause only spaces out looks that fail
// at once, as while Redis is down.
const recheckPause = 10 * time.Millisecond

// errStopping refuses a task that asynq starts after Run gave up waiting for handlers.
var errStopping = errors.New("redisqueue: worker stopping")

// Run delivers jobs to h, at most concurrency (minimum 1) at a time, until ctx is done; then it
// stops taking tasks, waits for the running handlers and returns nil. An idle Run waits for a
// wake-up rather than polling (see pickup), so a job is taken as soon as it is queued. While
// Redis is down it keeps trying and resumes when Redis returns. A handler's context is
// cancelled only if asynq loses the task's lease (Redis unreachable for about 30 s, when
// another worker may take the task) or after Config.ShutdownTimeout, when asynq hands the
// task back to the queue. A handler error schedules a retry after Config.Backoff; after
// MaxRetry retries the task is archived, which is the dead-letter set. It returns an error
// only if asynq cannot start.
func (q *Queue) Run(ctx context.Context, concurrency int, h queue.Handler) error {
	concurrency = max(concurrency, 1)
	// slots counts running handlers; filling it after Shutdown waits for the last of them,
	// even those asynq stopped waiting for.
	slots := make(chan struct{}, concurrency)
	// The server gets a client of its own, carrying the pickup hook, and the hook a client
	// of its own to block on, sized for PollInterval.
	waitOpt, srvOpt := *q.opt, *q.opt
	waitOpt.ReadTimeout = q.cfg.PollInterval + q.cfg.Timeout
	waiter := redis.NewClient(&waitOpt)
	rdb := redis.NewClient(&srvOpt)
	rdb.AddHook(&pickup{q: q, rdb: rdb, waiter: waiter})
	defer rdb.Close()
	defer waiter.Close()
	srv := asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Concurrency:              concurrency,
		Queues:                   map[string]int{q.cfg.Name: 1},
		RetryDelayFunc:           func(n int, _ error, _ *asynq.Task) time.Duration { return q.cfg.Backoff(n + 1) },
		Logger:                   newLogger(q.cfg.Logger.With("component", "asynq", "queue", q.cfg.Name)),
		LogLevel:                 asynq.WarnLevel,
		ShutdownTimeout:          q.cfg.ShutdownTimeout,
		TaskCheckInterval:        recheckPause,
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
		err := h(hctx, queue.Delivery{Job: p.job(), Retried: retried, MaxRetry: maxRetry})
		if errors.Is(err, queue.ErrFinal) {
			return fmt.Errorf("%w (%w)", err, asynq.SkipRetry) // archived now
		}
		return err
	})
	if err := srv.Start(handler); err != nil {
		return fmt.Errorf("redisqueue: start worker: %w", err)
	}
	<-ctx.Done()
	_ = waiter.Close() // ends a wait for a wake-up now, not PollInterval later
	srv.Shutdown()
	for range concurrency {
		slots <- struct{}{}
	}
	return nil
}
