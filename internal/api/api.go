// Package api is livecode's HTTP API: sessions, runs, executions, languages, health and admin
// endpoints, described by an OpenAPI 3.1 document and served on the standard library's ServeMux.

package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"livecode/internal/config"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/queue"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/tracing"
	"livecode/internal/webhook"
)

// Store is the part of store.Store the API uses; the errors are those store.Store documents.
type Store interface {
	CreateSession(ctx context.Context, s session.Session) error
	GetSession(ctx context.Context, id string) (session.Session, error)
	UpdateSession(ctx context.Context, id string, p store.SessionPatch) (session.Session, error)
	CloseSession(ctx context.Context, id string, now time.Time) (session.Session, error)
	ListSessions(ctx context.Context, f store.SessionFilter) ([]session.Session, string, error)
	PurgeSession(ctx context.Context, id string, batch int) error
	DeleteExecution(ctx context.Context, id string) error
	CreateExecution(ctx context.Context, n store.NewExecution) (execution.Execution, bool, error)
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
	ListExecutions(ctx context.Context, sessionID string, limit int, before string) ([]execution.Execution, string, error)
	LatestExecution(ctx context.Context, sessionID string) (execution.Execution, error)
	GetDelivery(ctx context.Context, executionID string) (store.Delivery, error)
	Abort(ctx context.Context, id string, status execution.Status, reason execution.Reason, now time.Time) (bool, error)
	Ping(ctx context.Context) error
}

// Queue is the part of queue.Queue the API uses; the errors are those queue.Queue documents.
type Queue interface {
	Enqueue(ctx context.Context, j execution.Job) error
	Depth(ctx context.Context) (int, error)
	Dead(ctx context.Context) ([]queue.DeadJob, error)
	Requeue(ctx context.Context, id string) error
	Ping(ctx context.Context) error
}

// Instrumenter wraps a handler to observe its requests; route gives a request's registered
// pattern ("/" for the fallback that answers 404 and 405).
type Instrumenter interface {
	InstrumentHTTP(route func(*http.Request) string, next http.Handler) http.Handler
}

// Languages knows the languages the service can run.
type Languages interface {
	Lookup(id string) (language.Language, bool)
	List() []language.Language
}

// Deps are the API's collaborators. Store and Queue are required (Queue may be nil for the
// health-only handler of a worker, then /readyz checks only the store); the rest default.
type Deps struct {
	Store     Store
	Queue     Queue
	Languages Languages
	Logger    *slog.Logger     // default: discard
	Now       func() time.Time // default: time.Now
	NewID     func() string    // default: a UUIDv7
	Metrics   http.Handler     // served at /metrics when set
	// HTTPMetrics observes every request under its route pattern; nil: not observed.
	HTTPMetrics Instrumenter
	// Tracer traces each request and run admission; nil: no tracing.
	Tracer trace.TracerProvider
	Broker Broker // live output and controls; nil: the streaming endpoints answer 503
	// Ended is told each execution the API ends itself (cancel, refused enqueue), for its
	// webhook; must not block. nil: the webhook sweep finds it.
	Ended func(executionID string)
}

// Config is the API's configuration: the service's settings, complete as config.Load or
// config.Default gives them (config owns their defaults and validation), plus a few knobs of
// the API's own, whose zero values mean their defaults.
type Config struct {
	config.Config
	Version        string        // reported by /healthz and the OpenAPI document; default "dev"
	DepthCacheTTL  time.Duration // how long a queue depth reading is trusted; default 250ms
	BusyRetryAfter time.Duration // Retry-After of a 503; default 5s
}

// withDefaults returns c with the API's own zero knobs set to their defaults.
func (c Config) withDefaults() Config {
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.DepthCacheTTL <= 0 {
		c.DepthCacheTTL = 250 * time.Millisecond
	}
	if c.BusyRetryAfter <= 0 {
		c.BusyRetryAfter = 5 * time.Second
	}
	return c
}

// maxWait is the longest wait of a one-call run (MAX_WAIT_MS).
func (c Config) maxWait() time.Duration { return time.Duration(c.MaxWaitMS) * time.Millisecond }

// server holds what every handler needs.
type server struct {
	deps    Deps
	tracer  trace.Tracer
	cfg     Config
	depth   *depthCache
	keys    keyring
	origins originSet
	hooks   *webhook.Policy
	secrets webhook.Secrets
	// noFastPaths leaves every operation to huma (tests compare the fast paths with it).
	noFastPaths bool
}

func newServer(d Deps, conf Config) *server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	d.Logger = withRequestLog(d.Logger)
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewID == nil {
		d.NewID = newUUIDv7
	}
	if d.Languages == nil {
		d.Languages = noLanguages{}
	}
	c := conf.withDefaults()
	ring := newKeyring(conf.Keys)
	if conf.APIKeys != "" && len(conf.Keys) == 0 {
		// config.Load parses API_KEYS into Keys; a Config built by hand without them fails closed: no key is valid.
		d.Logger.Error("API_KEYS is set but not parsed (use config.Load); every request will be refused")
		ring = keyring{keys: []hashedKey{{}}}
	}
	origins, err := conf.Origins()
	if err != nil {
		// config.Load refuses bad origins at start; a Config built by hand fails closed: none is allowed.
		d.Logger.Error("CORS_ORIGINS is invalid; no other origin may call the API", "error", err)
	}
	if d.Tracer == nil {
		d.Tracer = noop.NewTracerProvider()
	}
	hooks, secrets, err := webhook.FromConfig(conf.Config)
	if err != nil {
		// config.Load refuses a bad WEBHOOK_ALLOW at start; a Config built by hand allows nothing extra.
		d.Logger.Error("WEBHOOK_ALLOW is invalid; callbacks may reach only public addresses", "error", err)
		hooks = webhook.NewPolicy(nil, nil)
	}
	return &server{deps: d, cfg: c, depth: &depthCache{ttl: c.DepthCacheTTL}, keys: ring, origins: newOriginSet(origins),
		hooks: hooks, secrets: secrets, tracer: d.Tracer.Tracer("livecode/api")}
}

// New returns the full HTTP API of an `api` or `serve` process.
func New(d Deps, c Config) http.Handler {
	return newServer(d, c).handler()
}

// handler is the full HTTP API: every route behind the middleware chain.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return s.instrument(mux, s.trace(mux, withRequestID(recoverer(s.deps.Logger, refuseLargeBodies(s.cfg.MaxBodyBytes, s.cors(s.authenticate(mux)))))))
}

// Health returns the handler of a `worker` process: only /healthz, /readyz and /metrics; of c
// it uses only MetricsToken.
func Health(d Deps, c Config) http.Handler {
	s := newServer(d, Config{Config: config.Config{MetricsToken: c.MetricsToken}})
	mux := http.NewServeMux()
	s.healthRoutes(mux)
	return s.instrument(mux, withRequestID(recoverer(s.deps.Logger, mux)))
}

// instrument observes h's requests under the pattern mux routes each to, when HTTPMetrics is set.
func (s *server) instrument(mux *http.ServeMux, h http.Handler) http.Handler {
	if s.deps.HTTPMetrics == nil {
		return h
	}
	return s.deps.HTTPMetrics.InstrumentHTTP(func(r *http.Request) string {
		_, pattern := mux.Handler(r)
		return pattern
	}, h)
}

// trace starts a server span per request, named by its route pattern like the HTTP metrics,
// continuing the client's trace when it sends a traceparent.
func (s *server) trace(mux *http.ServeMux, h http.Handler) http.Handler {
	if !tracing.Enabled(s.deps.Tracer) {
		return h
	}
	return otelhttp.NewHandler(h, "http", otelhttp.WithTracerProvider(s.deps.Tracer),
		otelhttp.WithPropagators(tracing.HTTPPropagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if _, pattern := mux.Handler(r); pattern != "" && pattern != "/" {
				return pattern
			}
			return r.Method + " unmatched"
		}))
}

func newUUIDv7() string {
	id, err := uuid.NewV7()
	if err != nil { // only when the system's random source fails
		return uuid.NewString()
	}
	return id.String()
}

type noLanguages struct{}

func (noLanguages) Lookup(string) (language.Language, bool) { return language.Language{}, false }
func (noLanguages) List() []language.Language               { return nil }
