// Package worker takes execution jobs off the queue, runs them in the sandbox and records the result.

package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/queue"
	"livecode/internal/sandbox"
	"livecode/internal/tracing"
)

// Store is what a worker needs of the record of truth.
type Store interface {
	Claim(ctx context.Context, id, workerID string, now time.Time, lease time.Duration) (execution.Execution, bool, error)
	RenewLease(ctx context.Context, id, workerID string, attempt int, now time.Time, lease time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, id, workerID string, attempt int, now time.Time) error
	Finish(ctx context.Context, id, workerID string, attempt int, r execution.Result, now time.Time) (bool, error)
	Abort(ctx context.Context, id string, status execution.Status, reason execution.Reason, now time.Time) (bool, error)
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
}

// Runner runs one program in isolation. A returned error means the sandbox itself failed.
type Runner interface {
	Run(ctx context.Context, spec sandbox.Spec) (execution.Result, error)
}

// Languages finds a language definition by id.
type Languages interface {
	Lookup(id string) (language.Language, bool)
}

// Observer is told what the worker does, for metrics. Every method must be cheap and safe for
// concurrent use.
type Observer interface {
	Started(e execution.Execution, waited time.Duration)
	// Finished is told every terminal state this worker records; ran is 0 when it ended
	// without a complete run (aborted or cancelled).
	Finished(e execution.Execution, r execution.Result, ran time.Duration)
	SandboxFailed(e execution.Execution, err error)
	Retried()
	// Released is called once for every Started, when the slot is free again.
	Released()
	// Stage is told how long a stage of the worker's took: "claim" or "result_store".
	Stage(stage string, d time.Duration)
}

// Defaults of a Worker and a Reaper, which config's LEASE_DURATION, REAP_INTERVAL,
// REQUEUE_AFTER and MAX_JUDGE_TIME_MS also take (MAX_ATTEMPTS is queue.DefaultMaxAttempts).
const (
	DefaultLease         = 10 * time.Second
	DefaultJudgeTime     = 30 * time.Second
	DefaultFlushInterval = 5 * time.Millisecond
	DefaultMaxPending    = 1 << 20
	DefaultReapInterval  = 3 * time.Second
	DefaultQueuedGrace   = 30 * time.Second
	DefaultReapBatch     = 500
)

// Config tunes a Worker. The zero value of each field means its default, and so does a
// negative duration or count.
type Config struct {
	ID          string        // identifies this worker's claims; default "worker"
	Lease       time.Duration // claim lease, renewed every Lease/3; default DefaultLease
	MaxAttempts int           // claims per execution before it ends FAILED internal; default queue.DefaultMaxAttempts
	Logger      *slog.Logger
	Now         func() time.Time
	Observer    Observer

	// Broker receives the run's live events and delivers its controls (stdin, cancel); nil
	// means neither, and stdin is always the stored text.
	Broker        Broker
	FlushInterval time.Duration        // how long output chunks gather before one publish; default DefaultFlushInterval
	MaxPending    int                  // output bytes waiting for the broker per run before chunks are dropped; default DefaultMaxPending
	JudgeTime     time.Duration        // a judged run's tests together, compile included; default DefaultJudgeTime
	Tracer        trace.TracerProvider // spans of each delivery, in the trace its job carries; default none
	// Ended is told each execution once the worker is done with it (it is then terminal,
	// unless another worker took it over), for its webhook; must not block. nil: nothing.
	Ended func(executionID string)
}

func (c Config) withDefaults() Config {
	if c.ID == "" {
		c.ID = "worker"
	}
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = queue.DefaultMaxAttempts
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.MaxPending <= 0 {
		c.MaxPending = DefaultMaxPending
	}
	if c.JudgeTime <= 0 {
		c.JudgeTime = DefaultJudgeTime
	}
	return c
}

// Worker handles deliveries of execution jobs.
type Worker struct {
	store  Store
	runner Runner
	langs  Languages
	cfg    Config
	tails  sync.WaitGroup // live events still being published after their run
	tracer trace.Tracer
	traced bool // spans are recorded: the sandbox's stages are worth collecting
}

// New returns a Worker.
func New(s Store, r Runner, l Languages, cfg Config) *Worker {
	cfg = cfg.withDefaults()
	tp := cfg.Tracer
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	return &Worker{store: s, runner: r, langs: l, cfg: cfg, tracer: tp.Tracer("livecode/worker"), traced: tracing.Enabled(tp)}
}

// Handle runs one delivery: claim, run, record. It returns an error only for infrastructure
// trouble, which the queue retries; what the program did is recorded as its result.
func (w *Worker) Handle(ctx context.Context, d queue.Delivery) error {
	id := d.Job.ExecutionID
	// The delivery continues the trace of the request that queued it.
	ctx, span := w.tracer.Start(tracing.Extract(ctx, d.Job.TraceParent), "execution",
		trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attribute.String("execution_id", id),
			attribute.Int("retried", d.Retried)))
	defer span.End()
	if d.Retried > 0 {
		w.cfg.Observer.Retried()
	}
	log := w.cfg.Logger.With("execution_id", id, "worker_id", w.cfg.ID)
	if d.Job.RequestID != "" {
		log = log.With("request_id", d.Job.RequestID) // the request that queued the run
	}
	claimStart := time.Now()
	_, claimSpan := w.tracer.Start(ctx, "claim")
	e, ok, err := w.store.Claim(ctx, id, w.cfg.ID, w.cfg.Now(), w.cfg.Lease)
	claimSpan.End()
	w.cfg.Observer.Stage("claim", time.Since(claimStart))
	if err != nil {
		return fmt.Errorf("claim %s: %w", id, err)
	}
	if !ok {
		log.Debug("job skipped: execution finished or held by another worker")
		return nil
	}
	log = log.With("session_id", e.SessionID, "attempt", e.Attempts)
	pub := w.newRunPublisher(e, log) // nil without a broker
	defer w.finishPublishing(ctx, id, pub)
	if e.Attempts > w.cfg.MaxAttempts {
		w.abort(ctx, log, e, "attempts exhausted")
		return nil
	}
	started := w.cfg.Now()
	execution.LogTransition(ctx, log, execution.StatusRunning, "", started)
	w.cfg.Observer.Started(e, started.Sub(e.QueuedAt))
	defer w.cfg.Observer.Released()

	runCtx, runSpan := w.tracer.Start(ctx, "sandbox", trace.WithAttributes(attribute.String("language", e.Language),
		attribute.Bool("judged", e.Judge != nil)))
	res, err := w.run(runCtx, log, e, started, pub)
	runSpan.SetAttributes(resultAttrs(res)...)
	if !errors.Is(err, errCancelled) { // a client's cancel is a result (CANCELLED), not a failure
		recordFailure(runSpan, err)
	}
	runSpan.End()
	if err != nil {
		return w.unfinished(ctx, log, e, d, res, err)
	}
	storeStart := time.Now()
	_, finishSpan := w.tracer.Start(ctx, "finish")
	err = w.finish(ctx, e, res)
	finishSpan.End()
	if err != nil {
		return err
	}
	w.cfg.Observer.Stage("result_store", time.Since(storeStart))
	finished := w.cfg.Now()
	w.cfg.Observer.Finished(e, res, finished.Sub(started))
	execution.LogTransition(ctx, log, res.Status, res.Reason, finished, slog.Any("exit_code", deref(res.ExitCode)),
		slog.String("signal", res.Signal), slog.Any("execution_time_ms", deref(res.ExecutionTimeMS)))
	return nil
}

// unfinished ends a delivery whose run returned err instead of a result to store: a client's
// cancel, a lost lease, a spec that can never run, or a sandbox failure (retried while attempts
// remain). The error returned is the delivery's: nil when nothing is to be retried.
func (w *Worker) unfinished(ctx context.Context, log *slog.Logger, e execution.Execution, d queue.Delivery, res execution.Result, err error) error {
	id := e.ID
	switch {
	case errors.Is(err, errCancelled):
		w.cancelled(ctx, log, e, res)
		return nil
	case errors.Is(err, errLeaseLost):
		// Ended while it ran (cancelled), or another worker took it over after this one's lease
		// lapsed: either way the execution is no longer this worker's to fail or retry.
		if w.endedElsewhere(ctx, e.ID) {
			log.Info("run stopped: the execution ended while it ran")
		} else {
			log.Warn("run stopped: the lease was lost to another worker")
		}
		return nil
	case errors.Is(err, sandbox.ErrSpec):
		// The run can never start as given (admission should have refused it): running it
		// again would fail again, so it ends now, once.
		log.Warn("run cannot start", "err", err)
		w.abort(ctx, log, e, "the run cannot start as given")
		return nil
	default:
		w.cfg.Observer.SandboxFailed(e, err)
		log.Error("sandbox failed", "err", err)
		if e.Attempts >= w.cfg.MaxAttempts || d.Last() {
			w.abort(ctx, log, e, "sandbox failed on the last attempt")
			// Another job of the execution (a requeue) may have used attempts of this one's
			// retries: the job goes to the dead-letter set now, not to a delivery that skips it.
			return fmt.Errorf("%w (%w)", err, queue.ErrFinal)
		} else if rerr := w.store.ReleaseLease(ctx, id, w.cfg.ID, e.Attempts, w.cfg.Now()); rerr != nil {
			log.Warn("release lease", "err", rerr)
		}
		return err
	}
}

// run executes e in the sandbox while keeping its lease alive. Losing the lease cancels the run,
// and so does a client's cancel (the error is then errCancelled). With a broker, the run's
// status and output are published as they happen and its controls are applied.
func (w *Worker) run(ctx context.Context, log *slog.Logger, e execution.Execution, started time.Time, pub *publisher) (execution.Result, error) {
	lang, ok := w.langs.Lookup(e.Language)
	if !ok || !lang.Available {
		return execution.Result{}, fmt.Errorf("language %q is not available on this worker", e.Language)
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	defer close(done)
	go w.keepLease(runCtx, log, e, cancel, done)

	files := append([]execution.File{{Name: lang.SourceFile, Content: e.Code}}, e.Files...)
	spec := sandbox.Spec{Language: lang, Files: files, Args: e.Args, Limits: e.Limits,
		Stdin: strings.NewReader(e.Stdin)}
	if pub != nil {
		stop := w.startPublishing(runCtx, log, e, started, pub, &spec, cancel)
		defer stop()
	}
	var res execution.Result
	var err error
	if e.Judge != nil {
		res, err = w.judge(runCtx, e, spec, pub)
	} else {
		stages := w.traceStages(runCtx, &spec)
		res, err = w.runner.Run(runCtx, spec)
		stages.ran(res)
	}
	if cause := context.Cause(runCtx); errors.Is(cause, errLeaseLost) || errors.Is(cause, errCancelled) {
		return res, cause // a cancelled run's partial output is kept in its result
	}
	return res, err
}

var errLeaseLost = errors.New("lease lost")

// keepLease renews the claim every third of the lease until done; if the lease is lost, another
// worker may take over, so this run is cancelled.
func (w *Worker) keepLease(ctx context.Context, log *slog.Logger, e execution.Execution, cancel context.CancelCauseFunc, done <-chan struct{}) {
	t := time.NewTicker(w.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := w.store.RenewLease(ctx, e.ID, w.cfg.ID, e.Attempts, w.cfg.Now(), w.cfg.Lease)
		switch {
		case err != nil:
			log.Warn("renew lease", "err", err) // the database may be back before the lease ends
		case !ok:
			log.Warn("lease lost; cancelling the run")
			cancel(errLeaseLost)
			return
		}
	}
}

// finish stores the result, retrying briefly: the program already ran, and running it again
// because of a short database outage would be wasteful.
func (w *Worker) finish(ctx context.Context, e execution.Execution, res execution.Result) error {
	var err error
	for i := range 5 {
		var ok bool
		ok, err = w.store.Finish(ctx, e.ID, w.cfg.ID, e.Attempts, res, w.cfg.Now())
		if err == nil {
			if !ok {
				w.cfg.Logger.Warn("result discarded: lease lost", "execution_id", e.ID)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("finish %s: %w", e.ID, err)
		case <-time.After(time.Duration(100<<i) * time.Millisecond):
		}
	}
	return fmt.Errorf("finish %s: %w", e.ID, err)
}

func (w *Worker) abort(ctx context.Context, log *slog.Logger, e execution.Execution, why string) {
	ok, err := w.store.Abort(ctx, e.ID, execution.StatusFailed, execution.ReasonInternal, w.cfg.Now())
	if err != nil {
		log.Error("abort", "err", err)
		return
	}
	if ok {
		execution.LogTransition(ctx, log, execution.StatusFailed, execution.ReasonInternal, w.cfg.Now(), slog.String("why", why))
		w.cfg.Observer.Finished(e, execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonInternal}, 0)
	}
}

// deref makes an optional number loggable: its value, or nil.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

type nopObserver struct{}

func (nopObserver) Started(execution.Execution, time.Duration)                    {}
func (nopObserver) Finished(execution.Execution, execution.Result, time.Duration) {}
func (nopObserver) SandboxFailed(execution.Execution, error)                      {}
func (nopObserver) Retried()                                                      {}
func (nopObserver) Released()                                                     {}
func (nopObserver) Stage(string, time.Duration)                                   {}
