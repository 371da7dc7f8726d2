// Tests of tracing: one trace per run, from the HTTP request through the queue to the worker,
// exported over OTLP/HTTP to an in-process receiver.

package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
	"livecode/internal/tracing"
	"livecode/internal/tracing/tracingtest"
	"livecode/internal/worker"
)

func TestOneTracePerRun(t *testing.T) {
	t.Parallel()
	rec := tracingtest.NewReceiver(t)
	tp, err := tracing.New(context.Background(), rec.URL, "livecode-test", "test")
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, func(_ *api.Config, d *api.Deps) { d.Tracer = tp })

	// A worker on the same queue, with a scripted runner: the sandbox has its own tests.
	runner := runnerFunc(func(context.Context, sandbox.Spec) (execution.Result, error) {
		return execution.Result{Status: execution.StatusCompleted, Stdout: "hi\n"}, nil
	})
	w := worker.New(b.store, runner, testLanguages(), worker.Config{Tracer: tp})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.queue.Run(ctx, 1, w.Handle); close(done) }()
	defer func() { stop(); <-done }()

	sid := b.newSession(t, "print('hi')")
	traceID := "0af7651916cd43dd8448eb211c80319c"
	eid := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil,
		"traceparent", "00-"+traceID+"-b7ad6b7169203331-01").want(t, http.StatusAccepted).str("execution_id")
	b.waitTerminal(t, eid)
	if err := tp.Shutdown(context.Background()); err != nil { // flushes every span
		t.Fatalf("shutdown: %v", err)
	}
	want := []string{"POST /code-sessions/{id}/run", "admission", "enqueue", "execution", "claim", "run", "finish"}
	testsvc.Await(t, 10*time.Second, func() error {
		if missing := rec.Missing(traceID, want...); len(missing) > 0 {
			return fmt.Errorf("trace %s lacks %v; has %v", traceID, missing, rec.Spans(traceID))
		}
		return nil
	})
}

// runnerFunc is a worker.Runner scripted by the test.
type runnerFunc func(ctx context.Context, spec sandbox.Spec) (execution.Result, error)

func (f runnerFunc) Run(ctx context.Context, spec sandbox.Spec) (execution.Result, error) {
	return f(ctx, spec)
}

// BenchmarkRunTraced measures a run from POST to its stored result through the API, the
// in-process queue and a worker with a scripted runner, with tracing off and on (exporting to
// an in-process OTLP receiver), so the difference of the two is tracing's cost per run.
func BenchmarkRunTraced(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "tracing=off", true: "tracing=on"}[on], func(b *testing.B) {
			var tp *tracing.Provider
			if on {
				rec := tracingtest.NewReceiver(b)
				p, err := tracing.New(context.Background(), rec.URL, "livecode-bench", "test")
				if err != nil {
					b.Fatal(err)
				}
				tp = &p
			}
			bb := setup(b, func(c *api.Config, d *api.Deps) {
				c.MaxActivePerSession, c.RunRateLimit = 0, 0
				if tp != nil {
					d.Tracer = tp
				}
			})
			runner := runnerFunc(func(context.Context, sandbox.Spec) (execution.Result, error) {
				return execution.Result{Status: execution.StatusCompleted, Stdout: "hi\n"}, nil
			})
			wc := worker.Config{}
			if tp != nil {
				wc.Tracer = tp
			}
			w := worker.New(bb.store, runner, testLanguages(), wc)
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { _ = bb.queue.Run(ctx, 2, w.Handle); close(done) }()
			sid := bb.newSession(b, "print('hi')")
			for b.Loop() {
				eid := bb.do(b, "POST", "/code-sessions/"+sid+"/run", nil).want(b, http.StatusAccepted).str("execution_id")
				for {
					e, err := bb.store.GetExecution(context.Background(), eid)
					if err != nil {
						b.Fatal(err)
					}
					if e.Status.Terminal() {
						break
					}
					time.Sleep(50 * time.Microsecond) // a benchmark's tight poll: testsvc.Within's backoff would add to the measured time
				}
			}
			stop()
			<-done
			if tp != nil {
				_ = tp.Shutdown(context.Background())
			}
		})
	}
}
