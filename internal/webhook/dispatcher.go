// The Dispatcher: claims due deliveries, sends them, records each attempt and schedules retries.

package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"livecode/internal/config"
	"livecode/internal/execution"
	"livecode/internal/store"
)

// The formats of a delivery's body, as stored with it.
const (
	FormatLivecode = "livecode" // POST of the GET /executions/{id} document
	FormatJudge0   = "judge0"   // PUT of Judge0's submission document, as Judge0 sends it
)

// method is the HTTP method a format is delivered with.
func method(format string) string {
	if format == FormatJudge0 {
		return http.MethodPut
	}
	return http.MethodPost
}

// maxBackoff caps the wait between two attempts, however many failed.
const maxBackoff = time.Hour

// Store is what the Dispatcher needs of the record of truth; errors are store.Store's.
type Store interface {
	GetDelivery(ctx context.Context, executionID string) (store.Delivery, error)
	ClaimDeliveries(ctx context.Context, c store.DeliveryClaim) ([]store.Delivery, error)
	RecordDelivery(ctx context.Context, executionID string, attempt int, o store.DeliveryOutcome) (bool, error)
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
}

// Render makes the body of a delivery from its terminal execution.
type Render func(execution.Execution) ([]byte, error)

// Config tunes a Dispatcher. Zero (or negative) durations and counts take the defaults of
// config.Default (WEBHOOK_MAX_ATTEMPTS, _TIMEOUT, _BACKOFF, _SWEEP_INTERVAL, _CONCURRENCY).
type Config struct {
	Policy      *Policy           // where deliveries may connect; nil: the default policy
	Secrets     Secrets           // what signs each owner's deliveries
	Bodies      map[string]Render // the body of each format
	MaxAttempts int               // attempts per delivery
	Timeout     time.Duration     // one attempt, connection to answer
	Backoff     time.Duration     // the wait after the first failure, doubled after each
	Interval    time.Duration     // how often due deliveries are looked for
	Concurrency int               // deliveries in flight
	Logger      *slog.Logger
	Now         func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Policy == nil {
		c.Policy = NewPolicy(nil, nil)
	}
	def := config.Default()
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = def.WebhookMaxAttempts
	}
	if c.Timeout <= 0 {
		c.Timeout = def.WebhookTimeout
	}
	if c.Backoff <= 0 {
		c.Backoff = def.WebhookBackoff
	}
	if c.Interval <= 0 {
		c.Interval = def.WebhookInterval
	}
	if c.Concurrency <= 0 {
		c.Concurrency = def.WebhookConcurrency
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Dispatcher delivers the webhooks of terminal executions. Every process may run one: the
// store's claims make sure each attempt is made by one of them. Ended(id) asks for a prompt
// attempt of one execution's delivery; Run also sweeps for due ones (retries, and those whose
// Ended was missed: another process ended them, or this one crashed).
type Dispatcher struct {
	store  Store
	cfg    Config
	client *client
	ended  chan string
}

// NewDispatcher returns a Dispatcher; it delivers nothing until Run.
func NewDispatcher(s Store, cfg Config) *Dispatcher {
	cfg = cfg.withDefaults()
	return &Dispatcher{store: s, cfg: cfg, client: newClient(cfg.Policy, cfg.Timeout), ended: make(chan string, 1024)}
}

// Ended tells the dispatcher that an execution may have ended. It never blocks: when too many
// are waiting, the sweep finds this one instead.
func (d *Dispatcher) Ended(executionID string) {
	select {
	case d.ended <- executionID:
	default:
	}
}

// Run delivers until ctx is cancelled, then waits for the attempts in flight (each bounded by
// Timeout) so that their outcomes are recorded.
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, d.cfg.Concurrency)
	t := time.NewTicker(d.cfg.Interval)
	defer t.Stop()
	for {
		id := ""
		select {
		case <-ctx.Done():
			return
		case id = <-d.ended:
		case <-t.C:
		}
		free := d.cfg.Concurrency - len(slots)
		if free == 0 {
			continue // the sweep takes it once a slot is free: it stays due
		}
		for _, del := range d.claim(ctx, id, free) {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				d.deliver(context.WithoutCancel(ctx), del)
			})
		}
	}
}

// claim takes at most limit due deliveries, only id's when id is set.
func (d *Dispatcher) claim(ctx context.Context, id string, limit int) []store.Delivery {
	if id != "" {
		// Most runs have no callback: a read tells, where a claim would take the write lock.
		if del, err := d.store.GetDelivery(ctx, id); err != nil || del.State != store.DeliveryPending {
			return nil
		}
	}
	now := d.cfg.Now()
	// The claim outlives the attempt (Timeout) with room for the render and the record; a
	// process that dies meanwhile leaves it to lapse, and the delivery to another.
	dels, err := d.store.ClaimDeliveries(ctx, store.DeliveryClaim{ExecutionID: id, Now: now,
		Until: now.Add(2*d.cfg.Timeout + 5*time.Second), Limit: limit})
	if err != nil && ctx.Err() == nil {
		d.cfg.Logger.Warn("webhook: claim deliveries", "err", err)
	}
	return dels
}

// deliver makes the attempt its claim started and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, del store.Delivery) {
	log := d.cfg.Logger.With("execution_id", del.ExecutionID, "attempt", del.Attempts)
	started := d.cfg.Now()
	a, final := d.attempt(ctx, del, started)
	o := store.DeliveryOutcome{State: store.DeliveryDelivered, Error: a.err, Now: d.cfg.Now()}
	if a.status != 0 {
		o.Status = &a.status
	}
	switch {
	case a.ok():
	case final || del.Attempts >= d.cfg.MaxAttempts:
		o.State = store.DeliveryFailed
	default:
		o.State, o.NextAttempt = store.DeliveryPending, o.Now.Add(d.backoff(del.Attempts))
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ok, err := d.store.RecordDelivery(rctx, del.ExecutionID, del.Attempts, o)
	switch {
	case err != nil:
		log.Warn("webhook: record delivery; the claim lapses and the delivery is tried again", "err", err)
		return
	case !ok:
		log.Warn("webhook: delivery taken over by another process while this attempt ran")
		return
	}
	level := slog.LevelInfo
	if o.State != store.DeliveryDelivered {
		level = slog.LevelWarn
	}
	log.Log(ctx, level, "webhook delivery", "state", o.State, "status", a.status, "error", a.err,
		"took", o.Now.Sub(started), "next_attempt_at", o.NextAttempt)
}

// attempt renders, signs and sends one attempt; final is true when no later attempt could do
// better (nothing to sign with, a format without a body, attempts spent by a process that died).
func (d *Dispatcher) attempt(ctx context.Context, del store.Delivery, now time.Time) (a attempt, final bool) {
	if del.Attempts > d.cfg.MaxAttempts {
		return attempt{err: "attempts exhausted: a process stopped during the last one"}, true
	}
	render, ok := d.cfg.Bodies[del.Format]
	if !ok {
		return attempt{err: fmt.Sprintf("unknown format %q", del.Format)}, true
	}
	secret, ok := d.cfg.Secrets.For(del.Owner)
	if !ok {
		return attempt{err: "no secret to sign with: the API key is gone, or WEBHOOK_SECRET is unset"}, true
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	e, err := d.store.GetExecution(rctx, del.ExecutionID)
	cancel()
	if err != nil {
		return attempt{err: "internal error reading the execution"}, false
	}
	body, err := render(e)
	if err != nil {
		return attempt{err: "internal error rendering the execution"}, true
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "livecode-webhook")
	h.Set(SignatureHeader, Sign(secret, now, body))
	h.Set(DeliveryHeader, del.ExecutionID)
	h.Set(AttemptHeader, strconv.Itoa(del.Attempts))
	sctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	return d.client.send(sctx, method(del.Format), del.URL, body, h), false
}

// backoff is the wait after the attempt-th attempt failed: Backoff doubled attempt-1 times,
// at most maxBackoff.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	b := d.cfg.Backoff
	for i := 1; i < attempt && b < maxBackoff; i++ {
		b *= 2
	}
	return min(b, maxBackoff)
}
