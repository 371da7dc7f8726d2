// Submit: admit a run request, store its execution and hand the job to the queue.

package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/tracing"
)

// runRequest is a run request of either run endpoint, after alias resolution.
type runRequest struct {
	Endpoint       string // "run", "executions" or "run-once", part of the idempotency hash
	SessionID      string // empty for a one-call run: it gets a session of its own (OneCall)
	OneCall        bool
	Language       string
	Code           string
	Stdin          *string
	Interactive    bool
	Args           []string
	Files          []FileInput // when not empty, Files[0] replaces Code
	Limits         RunLimits
	SaveCode       bool
	IdempotencyKey string
	ExpectedOutput *string // stored to judge the output by (the Judge0 API)

	languageField string  // where a refused language is reported
	givenLanguage *string // language and code as the client sent them, for the hash
	givenCode     *string
}

// submit admits a run and queues it. Backpressure is checked before anything is written; an
// idempotent replay returns the first execution without queuing again; a job the queue refuses
// ends its execution FAILED (queue_unavailable) and the client gets 503.
func (s *server) submit(ctx context.Context, r runRequest) (execution.Execution, error) {
	if err := checkKey(r.IdempotencyKey); err != nil {
		return execution.Execution{}, err
	}
	if err := checkArgs(r.Args, s.cfg.argBounds()); err != nil {
		return execution.Execution{}, err
	}
	lang, err := s.language(r.languageField, r.Language)
	if err != nil {
		return execution.Execution{}, err
	}
	var extra []execution.File
	if len(r.Files) > 0 {
		if r.Code, extra, err = checkFiles(r.Files, lang, s.cfg.MaxFiles, s.cfg.MaxCodeBytes); err != nil {
			return execution.Execution{}, err
		}
	}
	if r.Stdin != nil && len(*r.Stdin) > s.cfg.MaxStdinBytes {
		return execution.Execution{}, tooLarge("body.stdin", s.cfg.MaxStdinBytes)
	}
	limits, err := s.limits(s.defaultLimits(lang), r.Limits)
	if err != nil {
		return execution.Execution{}, err
	}
	if err := s.backpressure(ctx); err != nil {
		return execution.Execution{}, err
	}
	n := s.newExecution(ctx, &r, limits, extra)
	actx, span := s.tracer.Start(ctx, "admission", trace.WithAttributes(attribute.String("execution_id", n.ID),
		attribute.String("session_id", n.SessionID)))
	e, created, err := s.deps.Store.CreateExecution(actx, n)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "refused")
	}
	span.End()
	if err != nil || !created {
		return e, namingActive(err, r.SessionID)
	}
	return e, s.enqueue(ctx, e)
}

// newExecution is what the store admits for r. The idempotency hash is taken before a one-call
// run gets its new session's id, so that a retry of the same request matches it.
func (s *server) newExecution(ctx context.Context, r *runRequest, limits execution.Limits, extra []execution.File) store.NewExecution {
	n := store.NewExecution{Language: r.Language, Code: r.Code, Files: extra, Args: r.Args,
		Limits: limits, Now: s.deps.Now(), SaveCode: r.SaveCode, Interactive: r.Interactive, ExpectedOutput: r.ExpectedOutput,
		MaxActive: s.cfg.MaxActivePerSession, RateLimit: s.cfg.RunRateLimit, RateWindow: s.cfg.RunRateWindow,
		OwnerMaxActive: s.cfg.QuotaMaxActive, OwnerRateLimit: s.cfg.QuotaRunRateLimit, OwnerRateWindow: s.cfg.QuotaRunRateWindow,
	}
	if r.Stdin != nil {
		n.Stdin = *r.Stdin
	}
	if r.IdempotencyKey != "" {
		// Keys are scoped to the session, so unrelated clients cannot collide on a key like "1";
		// a one-call run's to the API key and the endpoint.
		scope := r.SessionID
		if r.OneCall {
			scope = r.Endpoint + ":" + ownerOf(ctx)
		}
		n.IdempotencyKey = scope + "/" + r.IdempotencyKey
		n.RequestHash, n.IdempotencyTTL = r.hash(), s.cfg.IdempotencyTTL
	}
	if r.OneCall {
		r.SessionID = s.deps.NewID()
		now := store.Millis(n.Now)
		n.NewSession = &session.Session{ID: r.SessionID, Status: session.StatusActive, Language: r.Language,
			SourceCode: r.Code, Owner: ownerOf(ctx), CreatedAt: now, UpdatedAt: now}
	}
	n.ID, n.SessionID = s.deps.NewID(), r.SessionID
	return n
}

// enqueue hands a stored execution to the queue. It runs to its end even if the client goes away,
// so an execution is never left QUEUED without either a job or a terminal state.
func (s *server) enqueue(ctx context.Context, e execution.Execution) error {
	ctx = context.WithoutCancel(ctx)
	s.publishQueued(ctx, e)
	qctx, cancel := context.WithTimeout(ctx, s.cfg.QueueTimeout)
	qctx, span := s.tracer.Start(qctx, "enqueue", trace.WithAttributes(attribute.String("execution_id", e.ID)))
	err := s.deps.Queue.Enqueue(qctx, execution.Job{ExecutionID: e.ID, TraceParent: tracing.Inject(qctx)})
	span.End()
	cancel()
	log := s.deps.Logger.With(slog.String("execution_id", e.ID), slog.String("session_id", e.SessionID))
	if err == nil {
		execution.LogTransition(ctx, log, e.Status, "", e.QueuedAt, slog.String("language", e.Language))
		return nil
	}
	if errors.Is(err, queue.ErrFull) {
		s.depth.markFull(s.cfg.QueueCapacity)
	}
	aborted, aerr := s.deps.Store.Abort(ctx, e.ID, execution.StatusFailed, execution.ReasonQueueUnavailable, s.deps.Now())
	switch {
	case aerr != nil:
		// The execution stays QUEUED and the reaper will queue it again: it was accepted.
		log.LogAttrs(ctx, slog.LevelError, "enqueue failed and abort failed; left for the reaper",
			slog.Any("error", err), slog.Any("abort_error", aerr))
		return nil
	case !aborted:
		// A worker got it anyway (the enqueue succeeded but reported an error late).
		log.LogAttrs(ctx, slog.LevelWarn, "enqueue reported an error but the execution was already taken", slog.Any("error", err))
		return nil
	}
	s.publishResult(ctx, e.ID)
	log.LogAttrs(ctx, slog.LevelWarn, "execution refused: queue unavailable", slog.String("status", string(execution.StatusFailed)),
		slog.String("reason", string(execution.ReasonQueueUnavailable)), slog.Time("at", s.deps.Now()), slog.Any("error", err))
	if errors.Is(err, queue.ErrFull) {
		return unavailable(s.cfg.BusyRetryAfter, nil, "the run queue is full; try again later")
	}
	return unavailable(s.cfg.BusyRetryAfter, nil, "the run queue is unavailable; try again later")
}

// limits applies the request's limits over the defaults; a limit above its maximum is a 422 naming it.
func (s *server) limits(def execution.Limits, req RunLimits) (execution.Limits, error) {
	max := s.cfg.Maximums()
	l := def
	for _, f := range []struct {
		name     string
		req      *int
		dst      *int
		maxValue int
	}{
		{"time_limit_ms", req.TimeLimitMS, &l.TimeLimitMS, max.TimeLimitMS},
		{"memory_limit_mb", req.MemoryLimitMB, &l.MemoryLimitMB, max.MemoryLimitMB},
		{"max_processes", req.MaxProcesses, &l.MaxProcesses, max.MaxProcesses},
		{"output_limit_bytes", req.OutputLimitBytes, &l.OutputLimitBytes, max.OutputLimitBytes},
	} {
		if f.req == nil {
			continue
		}
		if *f.req < 1 || *f.req > f.maxValue {
			return l, unprocessable("body."+f.name, "%s must be between 1 and %d", f.name, f.maxValue)
		}
		*f.dst = *f.req
	}
	return l, nil
}

// hash is the SHA-256 of the request as the client sent it, endpoint and session included, so an
// idempotency key reused for a different request is detected.
func (r runRequest) hash() string {
	canonical := struct {
		Endpoint    string      `json:"endpoint"`
		SessionID   string      `json:"session_id"`
		Language    *string     `json:"language"`
		Code        *string     `json:"code"`
		Stdin       *string     `json:"stdin"`
		Args        []string    `json:"args"`
		Limits      RunLimits   `json:"limits"`
		Files       []FileInput `json:"files,omitempty"`       // omitted when absent: older hashes stay valid
		Interactive bool        `json:"interactive,omitempty"` // likewise
		Expected    *string     `json:"expected_output,omitempty"`
	}{r.Endpoint, r.SessionID, r.givenLanguage, r.givenCode, r.Stdin, r.Args, r.Limits, r.Files, r.Interactive, r.ExpectedOutput}
	b, _ := json.Marshal(canonical) // cannot fail: strings, ints and slices only
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// backpressure refuses runs while the queue's backlog is at its bound, or the queue cannot say.
func (s *server) backpressure(ctx context.Context) error {
	depth, err := s.depth.get(ctx, s.cfg.QueueTimeout, s.deps.Queue.Depth)
	if err != nil {
		return unavailable(s.cfg.BusyRetryAfter, err, "the run queue is unavailable; try again later")
	}
	if depth >= s.cfg.QueueCapacity {
		return unavailable(s.cfg.BusyRetryAfter, nil, "the run queue is full; try again later")
	}
	return nil
}

// depthCache keeps the last queue depth reading for a short while so that run requests do not
// each ask the queue; one caller refreshes it while the others wait for that reading.
type depthCache struct {
	ttl   time.Duration
	mu    sync.Mutex
	at    time.Time
	depth int
	err   error
}

// get returns the cached reading while it is fresh, else reads again. The cache runs on the
// monotonic clock, not the API's stubbable one: it is about load, not about the domain.
func (c *depthCache) get(ctx context.Context, timeout time.Duration, read func(context.Context) (int, error)) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if !c.at.IsZero() && now.Sub(c.at) < c.ttl {
		return c.depth, c.err
	}
	// A client that goes away must not leave its cancellation cached for the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	c.depth, c.err = read(ctx)
	c.at = now
	return c.depth, c.err
}

// markFull records that the queue refused a job for being full.
func (c *depthCache) markFull(capacity int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.depth, c.err, c.at = capacity, nil, time.Now()
}
