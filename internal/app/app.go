// Package app wires livecode's parts into the processes it runs: serve, api and worker.

package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"livecode/internal/api"
	"livecode/internal/compilecache"
	"livecode/internal/config"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/metrics"
	"livecode/internal/queue"
	"livecode/internal/retention"
	"livecode/internal/sandbox"
	"livecode/internal/store"
	"livecode/internal/stream"
	"livecode/internal/tracing"
	"livecode/internal/webhook"
	"livecode/internal/worker"
)

// Role says which parts a process runs.
type Role string

// The roles of a livecode process.
const (
	RoleServe  Role = "serve"  // API and workers in one process
	RoleAPI    Role = "api"    // HTTP API only; never runs code
	RoleWorker Role = "worker" // runs executions; serves only health and metrics
)

func (r Role) serves() bool { return r != RoleWorker }
func (r Role) works() bool  { return r != RoleAPI }

// Options are what a process needs besides its configuration.
type Options struct {
	Role     Role
	Config   config.Config
	Logger   *slog.Logger
	Version  string
	Listener net.Listener // when nil, listen on Config.Port
}

// Run runs the process until ctx is cancelled, then shuts down gracefully: it stops taking
// requests, lets running executions finish (within SHUTDOWN_GRACE) and returns nil.
func Run(ctx context.Context, o Options) error {
	cfg, log := o.Config, o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	q, err := OpenQueue(cfg, o.Role, log)
	if err != nil {
		return err
	}
	defer q.Close()
	broker, err := OpenBroker(cfg, log)
	if err != nil {
		return err
	}
	defer broker.Close()
	langs, err := language.Load(cfg.LanguagesDir)
	if err != nil {
		return fmt.Errorf("languages: %w", err)
	}

	slots := 0
	if o.Role.works() {
		slots = cfg.Workers
	}
	m := metrics.New(slots, q)
	tp, err := tracing.New(ctx, cfg.OTelEndpoint, "livecode", o.Version)
	if err != nil {
		return err
	}
	defer func() {
		// The last spans, within a bound: a collector that is down must not hold the exit.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := tp.Shutdown(sctx); err != nil {
			log.Warn("tracing shutdown", "err", err)
		}
	}()

	var handler http.Handler
	hooks, err := newDispatcher(cfg, st, langs, log)
	if err != nil {
		return err
	}
	if o.Role.serves() {
		handler = api.New(api.Deps{Store: st, Queue: q, Languages: langs, Logger: log, Metrics: m.Handler(), HTTPMetrics: m, Tracer: tp,
			Broker: broker, Ended: hooks.Ended},
			api.Config{Config: cfg, Version: o.Version})
	} else {
		handler = api.Health(api.Deps{Store: st, Queue: q, Logger: log, Metrics: m.Handler(), HTTPMetrics: m}, api.Config{Config: cfg})
	}

	ln := o.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", ":"+strconv.Itoa(cfg.Port)); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	// Live streams never go idle: shutting down ends them, so that Shutdown need not wait for them.
	streams := api.NewStreams()
	defer streams.Stop()
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return streams.Context(context.Background()) }}
	srv.RegisterOnShutdown(streams.Stop)

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var wg sync.WaitGroup
	if o.Role.serves() {
		// Every API server purges; their batches are independent statements, so several
		// servers purging at once only share the work.
		purger := retention.New(st, retention.Config{Executions: cfg.RetentionExecutions, Sessions: cfg.RetentionSessions,
			Keys: cfg.IdempotencyTTL, Interval: cfg.RetentionInterval, Batch: cfg.RetentionBatch, Logger: log})
		wg.Add(1)
		go func() {
			defer wg.Done()
			purger.Run(workCtx)
		}()
	}
	// Every process delivers webhooks: the one that ends an execution at once, any of them
	// when a delivery is due again; the store's claims keep them from sending one twice.
	wg.Add(1)
	go func() {
		defer wg.Done()
		hooks.Run(workCtx)
	}()
	if o.Role.works() {
		if err := startWorkers(ctx, workCtx, &wg, o, workerParts{store: st, queue: q, broker: broker, langs: langs, metrics: m, tracer: tp,
			hooks: hooks, log: log}); err != nil {
			stopWork()
			wg.Wait()
			return err
		}
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("livecode started", "role", o.Role, "addr", ln.Addr().String(), "workers", slots, "version", o.Version)

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stopWork()
		wg.Wait()
		return fmt.Errorf("http: %w", err)
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	// Shutdown stops accepting, ends the live streams with a reconnect hint and waits for the
	// requests in flight; WebSockets, which it does not track, are waited for apart.
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := streams.Wait(shutCtx); err != nil {
		log.Warn("live streams still open at the end of the grace", "err", err)
	}
	stopWork()
	waitOrTimeout(&wg, shutCtx, log)
	log.Info("stopped")
	return nil
}

// SandboxConfig is the sandbox the configuration describes, with slots concurrent runs (0: one
// per CPU), without a compile cache: every command that runs code builds its sandbox here.
func SandboxConfig(cfg config.Config, slots int, log *slog.Logger) sandbox.Config {
	return sandbox.Config{Level: cfg.Sandbox, UIDBase: cfg.SandboxUID, Slots: slots, Logger: log,
		WorkRoot: cfg.WorkDir, CgroupParent: cfg.CgroupParent, FavorDynMods: cfg.CgroupFavorDynMods,
		Warm: cfg.WarmJails, CompileLimits: execution.Limits{TimeLimitMS: cfg.CompileTimeLimitMS}}
}

// workerParts are the opened parts startWorkers wires into the queue consumer and the reaper.
type workerParts struct {
	store   store.Store
	queue   queue.Queue
	broker  stream.Broker
	langs   *language.Registry
	metrics *metrics.Metrics
	tracer  trace.TracerProvider
	hooks   *webhook.Dispatcher
	log     *slog.Logger
}

// startWorkers starts the queue consumer and the reaper. In the embedded mode no other process
// can hold a lease, so leases left by a killed process are expired and every QUEUED execution
// is queued again before the first job is taken.
func startWorkers(ctx, workCtx context.Context, wg *sync.WaitGroup, o Options, p workerParts) error {
	cfg, st, q, log := o.Config, p.store, p.queue, p.log
	cache, err := compilecache.Open(cfg.CompileCacheDir, compilecache.Bounds{MaxBytes: cfg.CompileCacheMaxBytes,
		MaxEntries: cfg.CompileCacheMaxEntries, MaxEntryBytes: cfg.CompileCacheMaxEntryBytes, MaxEntryFiles: cfg.CompileCacheMaxEntryFiles})
	if err != nil {
		return fmt.Errorf("compile cache: %w", err)
	}
	sc := SandboxConfig(cfg, cfg.Workers, log)
	sc.Cache = cache
	sc.Stages = p.metrics.Stage
	sb, err := sandbox.New(sc)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	host, _ := os.Hostname()
	w := worker.New(st, sb, p.langs, worker.Config{ID: host + ":" + strconv.Itoa(os.Getpid()), Lease: cfg.LeaseDuration,
		MaxAttempts: cfg.MaxAttempts, Logger: log, Observer: p.metrics, Broker: p.broker, Tracer: p.tracer, Ended: p.hooks.Ended,
		JudgeTime: time.Duration(cfg.MaxJudgeTimeMS) * time.Millisecond})
	reaper := worker.NewReaper(st, q, worker.ReaperConfig{Interval: cfg.ReapInterval, QueuedGrace: cfg.RequeueAfter, MaxAttempts: cfg.MaxAttempts, Logger: log,
		Broker: p.broker, Ended: p.hooks.Ended})
	if cfg.Redis() == "" {
		n, err := st.ExpireLeases(ctx, time.Now())
		if err != nil {
			_ = sb.Close()
			return fmt.Errorf("recover: %w", err)
		}
		requeued := reaper.Sweep(ctx, 0)
		log.Info("recovered executions left by the previous process", "expired_leases", n, "requeued", requeued)
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := q.Run(workCtx, cfg.Workers, w.Handle); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("queue consumer stopped", "err", err)
		}
		w.Wait()                           // the last runs' live events, before the broker closes
		if err := sb.Close(); err != nil { // the last runs' cgroups and work dirs, then the instance's
			log.Warn("sandbox close", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		reaper.Run(workCtx)
	}()
	return nil
}

// newDispatcher is the webhook dispatcher the configuration describes.
func newDispatcher(cfg config.Config, st store.Store, langs *language.Registry, log *slog.Logger) (*webhook.Dispatcher, error) {
	policy, secrets, err := webhook.FromConfig(cfg)
	if err != nil {
		return nil, err
	}
	return webhook.NewDispatcher(st, webhook.Config{Policy: policy, Secrets: secrets, Bodies: api.WebhookBodies(langs),
		MaxAttempts: cfg.WebhookMaxAttempts, Timeout: cfg.WebhookTimeout, Backoff: cfg.WebhookBackoff,
		Interval: cfg.WebhookInterval, Concurrency: cfg.WebhookConcurrency, Logger: log}), nil
}

func waitOrTimeout(wg *sync.WaitGroup, ctx context.Context, log *slog.Logger) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		log.Warn("shutdown grace over; executions still running are handed back to the reaper")
	}
}
