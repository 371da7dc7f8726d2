// Tests of tracing: one trace per run, from the HTTP request through the queue to the worker,
// exported over OTLP/HTTP to an in-process receiver.

package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/execution"
	"livecode/internal/sandbox"
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

	// A worker on the same queue, with a scripted runner that reports a timeline as the sandbox
	// does: the sandbox has its own tests.
	runner := runnerFunc(func(_ context.Context, spec sandbox.Spec) (execution.Result, error) {
		reportStages(spec)
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
	// One trace, each span under the one it follows from.
	spans := rec.Trace(traceID)
	const req = "POST /code-sessions/{id}/run"
	for _, path := range [][]string{
		{req, "admission"},
		{req, "enqueue", "execution", "claim"},
		{req, "enqueue", "execution", "sandbox", "slot_wait"},
		{req, "enqueue", "execution", "sandbox", "run", sandbox.StageProgram},
		{req, "enqueue", "execution", "finish"},
	} {
		if got := tracingtest.Walk(spans, path...); len(got) != 1 {
			t.Errorf("%d spans at %v, want 1; trace %s has %v", len(got), path, traceID, rec.Spans(traceID))
		}
	}
	// The session's creation is a trace of its own; no span of the run is outside the run's.
	for _, id := range rec.TraceIDs() {
		if id == traceID {
			continue
		}
		for _, name := range rec.Spans(id) {
			if slices.Contains([]string{"admission", "enqueue", "execution", "claim", "sandbox", "finish"}, name) {
				t.Errorf("span %s in another trace, %s: %v", name, id, rec.Spans(id))
			}
		}
	}
}

// reportStages tells spec a run's stages as the sandbox would: the slot, then the run step.
func reportStages(spec sandbox.Spec) {
	if spec.Stages == nil {
		return
	}
	at := time.Now()
	for _, s := range []string{sandbox.StageSlotWait, sandbox.StageWorkDir, sandbox.StagePrepare, sandbox.StageProgram, sandbox.StageClassify} {
		spec.Stages(s, at, at.Add(time.Millisecond))
		at = at.Add(time.Millisecond)
	}
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
			runner := runnerFunc(func(_ context.Context, spec sandbox.Spec) (execution.Result, error) {
				reportStages(spec)
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
