// Package memqueue is the in-process job queue of the embedded mode: bounded, idempotent per
// execution while a job is pending, with retries on exponential backoff and a dead-letter set.
//
// Nothing survives the process: after a crash the store's QUEUED and RUNNING executions are
// queued again at start-up, which is what makes an in-memory queue safe here.

package memqueue

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

// Config configures a Queue. Its zero value means the defaults; a zero or negative Capacity
// means queue.DefaultCapacity.
type Config struct {
	Capacity int                       // backlog bound (waiting + scheduled retries); default queue.DefaultCapacity
	MaxRetry int                       // retries after the first delivery; default queue.DefaultMaxAttempts-1; negative means none
	Backoff  func(n int) time.Duration // delay before retry n (1-based); default queue.Backoff
	Logger   *slog.Logger              // default slog.Default()
}

func (c Config) withDefaults() Config {
	if c.Capacity <= 0 {
		c.Capacity = queue.DefaultCapacity
	}
	c.MaxRetry, c.Backoff = queue.RetryDefaults(c.MaxRetry, c.Backoff)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// entry is one job on its way to a delivery.
type entry struct {
	job     execution.Job
	retried int
}

// Queue is an in-process queue.Queue. It is safe for concurrent use; several Run loops may
// share one Queue.
type Queue struct {
	cfg  Config
	wake chan struct{} // one pending signal: "the waiting list may be non-empty"
	done chan struct{} // closed by Close

	mu        sync.Mutex
	closed    bool
	waiting   []entry                  // FIFO of jobs ready for delivery
	scheduled map[string]*time.Timer   // jobs waiting for their retry, by execution id
	pending   map[string]entry         // waiting or scheduled, by execution id
	dead      map[string]queue.DeadJob // the dead-letter set, by execution id
}

var _ queue.Queue = (*Queue)(nil)

// New returns an empty queue.
func New(cfg Config) *Queue {
	return &Queue{
		cfg:       cfg.withDefaults(),
		wake:      make(chan struct{}, 1),
		done:      make(chan struct{}),
		scheduled: map[string]*time.Timer{},
		pending:   map[string]entry{},
		dead:      map[string]queue.DeadJob{},
	}
}

// Enqueue adds j. It is a no-op returning nil while a job of the same execution is waiting or
// scheduled for a retry; a job being delivered does not count, so an execution whose delivery
// was lost can be queued again. Enqueue never blocks: past the capacity it returns
// queue.ErrFull, after Close queue.ErrUnavailable, and the context's error if it is done.
func (q *Queue) Enqueue(ctx context.Context, j execution.Job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return queue.ErrUnavailable
	case q.isPending(j.ExecutionID):
		return nil
	case q.depth() >= q.cfg.Capacity:
		return queue.ErrFull
	}
	q.push(entry{job: j})
	return nil
}

// Depth returns the number of jobs waiting or scheduled for a retry; queue.ErrUnavailable
// after Close.
func (q *Queue) Depth(ctx context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, queue.ErrUnavailable
	}
	return q.depth(), nil
}

// Dead lists the dead-letter set, most recent failure first. It never fails before Close.
func (q *Queue) Dead(ctx context.Context) ([]queue.DeadJob, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil, queue.ErrUnavailable
	}
	out := make([]queue.DeadJob, 0, len(q.dead))
	for _, d := range q.dead {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b queue.DeadJob) int { return b.FailedAt.Compare(a.FailedAt) })
	return out, nil
}

// Requeue gives the dead job id one more delivery, keeping its retry count (so a failure of
// that delivery sends it back to the dead-letter set). queue.ErrNotFound if id is not dead.
func (q *Queue) Requeue(ctx context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return queue.ErrUnavailable
	}
	d, ok := q.dead[id]
	if !ok {
		return queue.ErrNotFound
	}
	delete(q.dead, id)
	if !q.isPending(id) {
		q.push(entry{job: d.Job, retried: d.Retried})
	}
	return nil
}

// Ping returns queue.ErrUnavailable after Close, nil before.
func (q *Queue) Ping(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return queue.ErrUnavailable
	}
	return nil
}

// Close drops the jobs not yet delivered and makes Run loops return once their running
// handlers have. It is safe to call more than once and always returns nil.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	q.closed = true
	for _, t := range q.scheduled {
		t.Stop()
	}
	clear(q.scheduled)
	clear(q.pending)
	q.waiting = nil
	close(q.done)
	return nil
}

func (q *Queue) isPending(id string) bool {
	_, ok := q.pending[id]
	return ok
}

func (q *Queue) depth() int { return len(q.waiting) + len(q.scheduled) }

// push appends e to the waiting list; q.mu must be held.
func (q *Queue) push(e entry) {
	q.waiting = append(q.waiting, e)
	q.pending[e.job.ExecutionID] = e
	q.signal()
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// fail records a failed delivery of e: a retry after backoff, or the dead-letter set.
func (q *Queue) fail(e entry, cause error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := e.job.ExecutionID
	log := q.cfg.Logger.With("execution_id", id, "retried", e.retried, "error", cause.Error())
	switch {
	case q.closed:
		return
	case q.isPending(id):
		log.Info("job failed; a newer job of the execution is already queued")
	case e.retried >= q.cfg.MaxRetry || errors.Is(cause, queue.ErrFinal):
		q.dead[id] = queue.DeadJob{ID: id, Job: e.job, LastError: cause.Error(), FailedAt: time.Now(), Retried: e.retried}
		log.Warn("job failed for good; moved to the dead-letter set")
	default:
		e.retried++
		delay := q.cfg.Backoff(e.retried)
		q.pending[id] = e
		q.scheduled[id] = time.AfterFunc(delay, func() { q.promote(id) })
		log.Info("job failed; retry scheduled", "delay", delay)
	}
}

// promote moves the job scheduled for id to the waiting list when its backoff is over.
func (q *Queue) promote(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.scheduled[id]; !ok || q.closed {
		return
	}
	delete(q.scheduled, id)
	e := q.pending[id]
	q.waiting = append(q.waiting, e)
	q.signal()
}

// next takes the oldest waiting job, waiting for one until ctx is done or the queue closes.
func (q *Queue) next(ctx context.Context) (entry, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return entry{}, false
		}
		if len(q.waiting) > 0 {
			e := q.waiting[0]
			q.waiting[0] = entry{}
			q.waiting = q.waiting[1:]
			delete(q.pending, e.job.ExecutionID)
			if len(q.waiting) > 0 {
				q.signal() // another Run loop may take the rest
			}
			q.mu.Unlock()
			return e, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-ctx.Done():
			return entry{}, false
		case <-q.done:
			return entry{}, false
		}
	}
}
