// Package metrics exposes livecode's Prometheus metrics and observes workers for them.

package metrics

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

// Backlog is the queue, as far as metrics read it.
type Backlog interface {
	Depth(ctx context.Context) (int, error)
	Dead(ctx context.Context) ([]queue.DeadJob, error)
}

// Metrics holds livecode's collectors on a registry of its own.
type Metrics struct {
	reg       *prometheus.Registry
	finished  *prometheus.CounterVec
	wait      prometheus.Histogram
	run       *prometheus.HistogramVec
	stage     *prometheus.HistogramVec
	sandboxFa prometheus.Counter
	retries   prometheus.Counter
	busy      atomic.Int64
	httpOnce  sync.Once
	http      *httpMetrics
}

// New registers the collectors. slots is the number of worker slots of this process (0 for an
// API-only process); backlog, when non-nil, is read on each scrape with a short timeout.
func New(slots int, backlog Backlog) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.finished = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "livecode_executions_total", Help: "Executions this process's workers ended, by language, final status and reason (queued runs cancelled through the API are not counted).",
	}, []string{"language", "status", "reason"})
	m.wait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "livecode_queue_wait_seconds", Help: "Time from QUEUED to RUNNING.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
	})
	m.run = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "livecode_run_duration_seconds", Help: "Time from RUNNING to the stored result of runs that completed, by language.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12),
	}, []string{"language"})
	m.stage = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "livecode_run_stage_seconds", Help: "Time each stage of a run took: the sandbox's (slot_wait, work_dir, compile, prepare, cgroup, start, hold, confine, release, program, wait, usage, classify, teardown) and the worker's (claim, result_store).",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 14),
	}, []string{"stage"})
	m.sandboxFa = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "livecode_sandbox_failures_total", Help: "Runs whose sandbox failed to start or to finish (infrastructure errors).",
	})
	m.retries = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "livecode_job_retries_total", Help: "Job deliveries that were retries after an infrastructure failure.",
	})
	m.reg.MustRegister(m.finished, m.wait, m.run, m.stage, m.sandboxFa, m.retries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if slots > 0 {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "livecode_worker_slots_busy", Help: "Worker slots running a program."},
				func() float64 { return float64(m.busy.Load()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "livecode_worker_slots_idle", Help: "Worker slots waiting for a job."},
				func() float64 { return float64(int64(slots) - m.busy.Load()) }),
		)
	}
	if backlog != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "livecode_queue_depth", Help: "Jobs waiting or scheduled for retry (-1: queue unreachable)."},
				func() float64 {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					defer cancel()
					n, err := backlog.Depth(ctx)
					if err != nil {
						return -1
					}
					return float64(n)
				}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "livecode_dead_jobs", Help: "Jobs in the dead-letter set (-1: queue unreachable)."},
				func() float64 {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					defer cancel()
					dead, err := backlog.Dead(ctx)
					if err != nil {
						return -1
					}
					return float64(len(dead))
				}),
		)
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Retried counts one retry delivery.
func (m *Metrics) Retried() { m.retries.Inc() }

// Started records that a slot took an execution after it waited in the queue.
func (m *Metrics) Started(_ execution.Execution, waited time.Duration) {
	m.busy.Add(1)
	m.wait.Observe(waited.Seconds())
}

// Released records that a slot is free again.
func (m *Metrics) Released() { m.busy.Add(-1) }

// Finished records a terminal result.
func (m *Metrics) Finished(e execution.Execution, r execution.Result, ran time.Duration) {
	m.finished.WithLabelValues(e.Language, string(r.Status), string(r.Reason)).Inc()
	if ran > 0 { // aborted and cancelled runs have no run time to report
		m.run.WithLabelValues(e.Language).Observe(ran.Seconds())
	}
}

// Stage records how long one stage of a run took.
func (m *Metrics) Stage(stage string, d time.Duration) {
	m.stage.WithLabelValues(stage).Observe(d.Seconds())
}

// SandboxFailed records an infrastructure failure of a run.
func (m *Metrics) SandboxFailed(execution.Execution, error) {
	m.sandboxFa.Inc()
}
