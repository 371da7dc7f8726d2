// Package redisqueue is the Redis job queue of the distributed mode, built on asynq.
//
// Each job is an asynq task in queue Config.Name whose TaskID is the execution id, so queuing
// an execution whose job is pending, scheduled or waiting for a retry is a no-op. asynq
// deletes a task when it succeeds (no retention), so an execution can be queued again once its
// delivery finished. A task left "active" by a worker killed mid-run is recovered by asynq only
// a minute or more later, too slow for a reaper that must rerun it within 30 seconds; so when
// the execution id is held by an active (or dead) task, Enqueue uses the next id of the chain
// "<id>:r1", "<id>:r2", …, which keeps Enqueue idempotent for the new task too. A duplicate
// delivery that follows is harmless: the store's conditional claim makes handlers idempotent.
//
// Idle workers do not poll: they block on a wake-up list that every task becoming pending
// pushes to (wake.go), and asynq dequeues the task as soon as one is woken.

package redisqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

// taskType names the one kind of task this queue carries.
const taskType = "execution:run"

// maxTaskIDs bounds the TaskID chain of one execution; the attempts limit keeps it far lower.
const maxTaskIDs = 16

// Defaults of the Redis queue, which config's EXECUTION_QUEUE_NAME and QUEUE_POLL_INTERVAL also take.
const (
	DefaultName            = "execution-queue"
	DefaultPollInterval    = time.Second
	DefaultShutdownTimeout = time.Minute
)

// Config configures a Queue. Its zero value means the defaults, except URL, which is required;
// a zero or negative Capacity, Timeout, PollInterval or ShutdownTimeout means its default.
type Config struct {
	URL             string                    // redis://[:password@]host:port/db or rediss://…
	Name            string                    // asynq queue name (EXECUTION_QUEUE_NAME); default DefaultName
	Capacity        int                       // backlog bound (pending + scheduled + retry); default queue.DefaultCapacity
	Timeout         time.Duration             // bound on Enqueue, Ping, Depth when Redis is down or slow; default queue.DefaultTimeout
	MaxRetry        int                       // retries after the first delivery; default queue.DefaultMaxAttempts-1; negative means none
	Backoff         func(n int) time.Duration // delay before retry n (1-based), whole seconds in effect; default queue.Backoff
	PollInterval    time.Duration             // longest wait of an idle worker for a wake-up, and the retry forwarder's period; default DefaultPollInterval
	ShutdownTimeout time.Duration             // how long Run waits for running handlers before asynq hands their tasks back; default DefaultShutdownTimeout
	Logger          *slog.Logger              // default slog.Default(); asynq's own messages at warn level and above only
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.Capacity <= 0 {
		c.Capacity = queue.DefaultCapacity
	}
	if c.Timeout <= 0 {
		c.Timeout = queue.DefaultTimeout
	}
	c.MaxRetry, c.Backoff = queue.RetryDefaults(c.MaxRetry, c.Backoff)
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Queue is a queue.Queue in Redis. It is safe for concurrent use. Close it after Run returned.
type Queue struct {
	cfg       Config
	opt       *redis.Options // for the clients of each Run
	rdb       *redis.Client  // shared by asynq's client and inspector
	client    *asynq.Client
	inspector *asynq.Inspector
}

var _ queue.Queue = (*Queue)(nil)

// New connects lazily to the Redis at cfg.URL: it fails only on a bad configuration, never
// because Redis is down.
func New(cfg Config) (*Queue, error) {
	cfg = cfg.withDefaults()
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redisqueue: REDIS_URL: %w", err)
	}
	// Every command must fail within Timeout when Redis is down or frozen, retries included.
	opt.DialTimeout = cfg.Timeout / 2
	opt.ReadTimeout = cfg.Timeout
	opt.WriteTimeout = cfg.Timeout
	opt.PoolTimeout = cfg.Timeout
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries = 1
	opt.DialerRetries = 1
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	rdb := redis.NewClient(opt)
	return &Queue{
		cfg:       cfg,
		opt:       opt,
		rdb:       rdb,
		client:    asynq.NewClientFromRedisClient(rdb),
		inspector: asynq.NewInspectorFromRedisClient(rdb),
	}, nil
}

// payload is a task's body.
type payload struct {
	ExecutionID string `json:"execution_id"`
	TraceParent string `json:"traceparent,omitempty"`
	RequestID   string `json:"request_id,omitempty"`
}

func payloadOf(j execution.Job) payload {
	return payload{ExecutionID: j.ExecutionID, TraceParent: j.TraceParent, RequestID: j.RequestID}
}

func (p payload) job() execution.Job {
	return execution.Job{ExecutionID: p.ExecutionID, TraceParent: p.TraceParent, RequestID: p.RequestID}
}

// Enqueue adds j. It is a no-op returning nil while a task of the execution is pending,
// scheduled or waiting for a retry. It returns queue.ErrFull when the backlog is at capacity,
// and queue.ErrUnavailable (wrapping the cause) when Redis does not answer within the
// configured Timeout or ctx's deadline, whichever is sooner.
func (q *Queue) Enqueue(ctx context.Context, j execution.Job) error {
	if j.ExecutionID == "" {
		return errors.New("redisqueue: job without an execution id")
	}
	ctx, cancel := context.WithTimeout(ctx, q.cfg.Timeout)
	defer cancel()
	n, err := q.depth(ctx)
	if err != nil {
		return err
	}
	if n >= q.cfg.Capacity {
		// At capacity a pending job's no-op still succeeds, as it would below capacity.
		if state, err := q.taskState(ctx, j.ExecutionID); err == nil && waiting(state) {
			return nil
		}
		return queue.ErrFull
	}
	body, err := json.Marshal(payloadOf(j))
	if err != nil {
		return fmt.Errorf("redisqueue: encode job: %w", err)
	}
	task := asynq.NewTask(taskType, body)
	for i := 0; i < maxTaskIDs; i++ {
		id := taskID(j.ExecutionID, i)
		_, err := q.client.EnqueueContext(ctx, task, asynq.TaskID(id), asynq.Queue(q.cfg.Name), asynq.MaxRetry(q.cfg.MaxRetry))
		if err == nil {
			q.wakeOne(ctx, id)
			return nil
		}
		if !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
			return unavailable(ctx, err)
		}
		state, err := q.taskState(ctx, id)
		switch {
		case err != nil:
			return err
		case waiting(state):
			return nil
		case state == "":
			i-- // the task finished between the two calls: its id is free again
		}
	}
	return fmt.Errorf("redisqueue: execution %s holds %d live tasks", j.ExecutionID, maxTaskIDs)
}

// taskID is the i-th TaskID of an execution's chain.
func taskID(executionID string, i int) string {
	if i == 0 {
		return executionID
	}
	return fmt.Sprintf("%s:r%d", executionID, i)
}

// waiting reports whether a task in this asynq state will be delivered without our help.
func waiting(state string) bool {
	switch state {
	case "pending", "scheduled", "retry", "aggregating":
		return true
	}
	return false
}

// taskState reads the state field of asynq's task hash ("" if there is no such task). asynq's
// inspector could tell it too, but takes no context, so it could not honour Timeout.
func (q *Queue) taskState(ctx context.Context, id string) (string, error) {
	state, err := q.rdb.HGet(ctx, q.key("t:"+id), "state").Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", unavailable(ctx, err)
	}
	return state, nil
}

// Depth returns the number of tasks pending, scheduled or waiting for a retry (not running,
// not dead); queue.ErrUnavailable when Redis does not answer in time.
func (q *Queue) Depth(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, q.cfg.Timeout)
	defer cancel()
	return q.depth(ctx)
}

// depth counts the backlog with three O(1) reads of asynq's keys in one round trip, cheap
// enough to run on every Enqueue (the inspector's GetQueueInfo reads much more).
func (q *Queue) depth(ctx context.Context) (int, error) {
	pipe := q.rdb.Pipeline()
	pending := pipe.LLen(ctx, q.key("pending"))
	scheduled := pipe.ZCard(ctx, q.key("scheduled"))
	retry := pipe.ZCard(ctx, q.key("retry"))
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, unavailable(ctx, err)
	}
	return int(pending.Val() + scheduled.Val() + retry.Val()), nil
}

// key is the Redis key of asynq's structure named suffix for our queue; asynq keeps these
// names in an internal package, and the tests check Depth against its inspector.
func (q *Queue) key(suffix string) string { return "asynq:{" + q.cfg.Name + "}:" + suffix }

// Ping checks Redis answers; queue.ErrUnavailable if it does not within Timeout.
func (q *Queue) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, q.cfg.Timeout)
	defer cancel()
	if err := q.rdb.Ping(ctx).Err(); err != nil {
		return unavailable(ctx, err)
	}
	return nil
}

// Close closes the connections to Redis (asynq's client and inspector share them); call it
// after Run returned. Closing twice is a no-op; other errors come from go-redis.
func (q *Queue) Close() error {
	if err := q.rdb.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
		return err
	}
	return nil
}

// unavailable wraps a Redis failure as queue.ErrUnavailable.
func unavailable(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", err, ctxErr)
	}
	return fmt.Errorf("%w: redis: %w", queue.ErrUnavailable, err)
}
