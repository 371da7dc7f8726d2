// Tests of tracing: one trace per run, from the HTTP request through the queue to the worker,
// exported over OTLP/HTTP to an in-process receiver.
package api_test

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"livecode/internal/api"
	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/tracing"
	"livecode/internal/worker"
)

// receiver is an OTLP/HTTP trace receiver: it keeps every span's name by trace id.
type receiver struct {
	mu     sync.Mutex
	traces map[string][]string
}

func newReceiver(t testing.TB) (*receiver, string) {
	r := &receiver{traces: map[string][]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		var msg collectortrace.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(body, &msg)
		}
		if err != nil || req.URL.Path != "/v1/traces" {
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		for _, rs := range msg.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					id := hex.EncodeToString(sp.TraceId)
					r.traces[id] = append(r.traces[id], sp.Name)
				}
			}
		}
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func (r *receiver) spans(traceID string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.traces[traceID])
}

func TestOneTracePerRun(t *testing.T) {
	t.Parallel()
	rec, url := newReceiver(t)
	tp, err := tracing.New(context.Background(), url, "livecode-test", "test")
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
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := rec.spans(traceID)
		missing := slices.DeleteFunc(slices.Clone(want), func(n string) bool { return slices.Contains(got, n) })
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace %s lacks %v; has %v (all traces: %d)", traceID, missing, got, len(rec.traces))
		}
		time.Sleep(20 * time.Millisecond)
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
				_, url := newReceiver(b)
				p, err := tracing.New(context.Background(), url, "livecode-bench", "test")
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
					time.Sleep(50 * time.Microsecond)
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
