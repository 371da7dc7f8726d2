// Reaper: gives a job again to executions that lost theirs (a worker crashed, the queue lost it).

package worker

import (
	"context"
	"log/slog"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/store"
)

// OrphanStore is what the reaper needs of the record of truth.
type OrphanStore interface {
	Orphans(ctx context.Context, now, queuedBefore time.Time, limit int) ([]store.Orphan, error)
	Abort(ctx context.Context, id string, status execution.Status, reason execution.Reason, now time.Time) (bool, error)
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
}

// Enqueuer puts a job on the queue.
type Enqueuer interface {
	Enqueue(ctx context.Context, j execution.Job) error
}

// ReaperConfig tunes a Reaper. Zero (or negative) fields take their defaults.
type ReaperConfig struct {
	Interval    time.Duration // between sweeps; default DefaultReapInterval
	QueuedGrace time.Duration // a QUEUED execution older than this may have lost its job; default DefaultQueuedGrace
	MaxAttempts int           // an orphan that used them all ends FAILED internal; default queue.DefaultMaxAttempts
	Batch       int           // orphans handled per sweep; default DefaultReapBatch
	Logger      *slog.Logger
	Now         func() time.Time
	Broker      Broker // when set, an execution the reaper ends gets its final "result" event
	// Ended is told each execution the reaper ends, for its webhook; must not block. nil: nothing.
	Ended func(executionID string)
}

// Reaper periodically requeues orphaned executions. Enqueue is idempotent for a pending job, so
// requeuing one that still has its job is harmless.
type Reaper struct {
	store OrphanStore
	queue Enqueuer
	cfg   ReaperConfig
}

// NewReaper returns a Reaper.
func NewReaper(s OrphanStore, q Enqueuer, cfg ReaperConfig) *Reaper {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultReapInterval
	}
	if cfg.QueuedGrace <= 0 {
		cfg.QueuedGrace = DefaultQueuedGrace
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = queue.DefaultMaxAttempts
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultReapBatch
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Reaper{store: s, queue: q, cfg: cfg}
}

// Run sweeps every Interval until ctx is cancelled.
func (r *Reaper) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Sweep(ctx, r.cfg.QueuedGrace)
		}
	}
}

// Sweep handles one batch of orphans: QUEUED for longer than grace, or RUNNING with an expired
// lease. It returns how many it requeued or ended.
func (r *Reaper) Sweep(ctx context.Context, grace time.Duration) int {
	now := r.cfg.Now()
	orphans, err := r.store.Orphans(ctx, now, now.Add(-grace), r.cfg.Batch)
	if err != nil {
		r.cfg.Logger.Warn("reaper: list orphans", "err", err)
		return 0
	}
	n := 0
	for _, o := range orphans {
		log := r.cfg.Logger.With("execution_id", o.ID, "status", o.Status, "attempts", o.Attempts)
		if o.Status == execution.StatusRunning && o.Attempts >= r.cfg.MaxAttempts {
			if ok, err := r.store.Abort(ctx, o.ID, execution.StatusFailed, execution.ReasonInternal, now); err != nil {
				log.Warn("reaper: abort", "err", err)
			} else if ok {
				n++
				execution.LogTransition(ctx, log, execution.StatusFailed, execution.ReasonInternal, now,
					slog.String("why", "lease expired on the last attempt"))
				publishResult(ctx, r.cfg.Broker, r.store, r.cfg.Logger, o.ID)
				if r.cfg.Ended != nil {
					r.cfg.Ended(o.ID)
				}
			}
			continue
		}
		if err := r.queue.Enqueue(ctx, execution.Job{ExecutionID: o.ID}); err != nil {
			log.Warn("reaper: enqueue", "err", err)
			continue
		}
		n++
		log.Info("reaper: requeued")
	}
	return n
}
