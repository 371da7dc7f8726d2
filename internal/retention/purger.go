// Purger: the background loop that deletes expired data a batch at a time.

package retention

import (
	"context"
	"log/slog"
	"time"

	"livecode/internal/store"
)

// Store is what the purger needs of the record of truth.
type Store interface {
	Purge(ctx context.Context, e store.Expiry, limit int) (int, error)
}

// Config says what expires and how the purge paces itself. An age of 0 keeps that kind
// forever. Interval and Batch must be positive (config.Load checks them).
type Config struct {
	Executions time.Duration // finished executions, from when they finished
	Sessions   time.Duration // CLOSED sessions, from when they were closed
	Keys       time.Duration // idempotency keys, from when they were made
	Interval   time.Duration // between sweeps
	Batch      int           // rows per statement
	Logger     *slog.Logger
	Now        func() time.Time
}

// pause is the rest between two batches of a sweep, so that writers (autosave, admissions)
// queued behind a batch get the database before the next one.
const pause = 5 * time.Millisecond

// Purger deletes expired data every Interval.
type Purger struct {
	store Store
	cfg   Config
}

// New returns a Purger; a zero Logger discards and a zero Now is time.Now.
func New(s Store, c Config) *Purger {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Purger{store: s, cfg: c}
}

// Enabled reports whether anything expires at all.
func (p *Purger) Enabled() bool {
	return p.cfg.Executions > 0 || p.cfg.Sessions > 0 || p.cfg.Keys > 0
}

// Run sweeps every Interval until ctx is cancelled.
func (p *Purger) Run(ctx context.Context) {
	if !p.Enabled() {
		return
	}
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			start := time.Now()
			n, err := p.Sweep(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				p.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "retention purge failed; retrying next interval",
					slog.Int("deleted", n), slog.Any("error", err))
			case n > 0:
				p.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "retention purge", slog.Int("deleted", n),
					slog.Duration("took", time.Since(start)))
			}
		}
	}
}

// Sweep deletes everything expired now, Batch rows per statement, and returns how many rows
// it deleted. It stops at the first error or when ctx is cancelled.
func (p *Purger) Sweep(ctx context.Context) (int, error) {
	e := p.expiry(p.cfg.Now())
	total := 0
	for {
		n, err := p.store.Purge(ctx, e, p.cfg.Batch)
		total += n
		if err != nil || n < p.cfg.Batch {
			return total, err
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(pause):
		}
	}
}

// expiry is the cutoffs at now; a zero age gives a zero cutoff, which keeps that kind.
func (p *Purger) expiry(now time.Time) store.Expiry {
	before := func(age time.Duration) time.Time {
		if age <= 0 {
			return time.Time{}
		}
		return now.Add(-age)
	}
	return store.Expiry{ExecutionsBefore: before(p.cfg.Executions), SessionsBefore: before(p.cfg.Sessions),
		KeysBefore: before(p.cfg.Keys)}
}
