// Package queue carries execution jobs from API servers to workers; memqueue and redisqueue implement it.

package queue

import (
	"context"
	"errors"
	"time"

	"livecode/internal/execution"
)

// ErrFull is returned by Enqueue when the queue's bound is reached.
var ErrFull = errors.New("queue full")

// ErrUnavailable is returned when the queue's backend cannot be reached in time.
var ErrUnavailable = errors.New("queue unavailable")

// ErrNotFound is returned by Requeue for an id that is not a dead job.
var ErrNotFound = errors.New("job not found")

// ErrFinal, wrapped in a Handler's error, sends the job to the dead-letter set at once, without
// the retries left: the handler has ended its execution for good (its last attempt failed),
// so another delivery could only skip it.
var ErrFinal = errors.New("final failure")

// Handler runs one delivery of a job. A nil return acknowledges it. A non-nil error means
// infrastructure trouble: the job is retried with exponential backoff, and after the last
// retry it is moved to the dead-letter set. Delivery is at least once: the handler must be
// idempotent (the store's conditional claim makes it so).
type Handler func(ctx context.Context, d Delivery) error

// Delivery is one delivery of a job.
type Delivery struct {
	Job      execution.Job
	Retried  int // how many times this job was retried before this delivery
	MaxRetry int // after MaxRetry retries, a failure sends the job to the dead-letter set
}

// Last reports whether a failure of this delivery sends the job to the dead-letter set.
func (d Delivery) Last() bool { return d.Retried >= d.MaxRetry }

// DeadJob is a job that failed for good.
type DeadJob struct {
	ID        string // the job's id in the dead-letter set, for Requeue
	Job       execution.Job
	LastError string
	FailedAt  time.Time
	Retried   int
}

// Queue is a job queue. Enqueue is idempotent per execution id while the job is pending:
// enqueuing the same execution again is a no-op returning nil.
type Queue interface {
	// Enqueue adds a job. ErrFull past the bound, ErrUnavailable if the backend is unreachable
	// within the context's deadline.
	Enqueue(ctx context.Context, j execution.Job) error
	// Run delivers jobs to h with up to concurrency deliveries at once until ctx is cancelled,
	// then waits for running handlers to return. Handlers get a context that is cancelled only
	// after they return or the process stops.
	Run(ctx context.Context, concurrency int, h Handler) error
	// Depth is the number of jobs waiting or being retried (the backlog).
	Depth(ctx context.Context) (int, error)
	// Dead lists the dead-letter set.
	Dead(ctx context.Context) ([]DeadJob, error)
	// Requeue moves a dead job back to the queue; ErrNotFound if no such dead job.
	Requeue(ctx context.Context, id string) error
	// Ping checks the backend is reachable.
	Ping(ctx context.Context) error
	// Close releases the queue's resources.
	Close() error
}

// Defaults of both queues, which config's QUEUE_CAPACITY, MAX_ATTEMPTS and QUEUE_TIMEOUT also take.
const (
	DefaultCapacity    = 10_000 // backlog bound: waiting jobs and scheduled retries
	DefaultMaxAttempts = 3      // deliveries of a job (its first and DefaultMaxAttempts-1 retries)
	// DefaultTimeout bounds an enqueue (and a depth reading) when the backend is slow or down.
	DefaultTimeout = 2 * time.Second
)

// Backoff is the delay before retry n (1-based): 1s, 2s, 4s, … capped at 30s.
func Backoff(n int) time.Duration {
	d := time.Second << (n - 1)
	if n > 6 || d > 30*time.Second {
		return 30 * time.Second
	}
	return d
}

// RetryDefaults resolves the retry settings both queues take: maxRetry 0 means the default
// (DefaultMaxAttempts-1 retries), a negative one means no retry; a nil backoff means Backoff.
func RetryDefaults(maxRetry int, backoff func(int) time.Duration) (int, func(int) time.Duration) {
	switch {
	case maxRetry == 0:
		maxRetry = DefaultMaxAttempts - 1
	case maxRetry < 0:
		maxRetry = 0
	}
	if backoff == nil {
		backoff = Backoff
	}
	return maxRetry, backoff
}
