// Tests of the worker's spans of a run's sandbox steps and stages, exported to an in-process
// OTLP receiver, with a scripted runner that reports a timeline as the sandbox does.

package worker

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/sandbox"
	"livecode/internal/stream"
	"livecode/internal/stream/memstream"
	"livecode/internal/tracing"
	"livecode/internal/tracing/tracingtest"
)

// runStages are the stages of a run step, in order.
var runStages = []string{sandbox.StagePrepare, sandbox.StageCgroup, sandbox.StageStart, sandbox.StageHold,
	sandbox.StageConfine, sandbox.StageRelease, sandbox.StageProgram, sandbox.StageWait, sandbox.StageUsage,
	sandbox.StageClassify}

// report tells spec the stages of a run, 1 ms each: a compile step when compiled, the run step
// unless the compile failed. The teardown's stage is left to the caller, as the sandbox reports
// it after Run returns.
func report(spec sandbox.Spec, compiled, compileFailed bool) {
	at := time.Now().Add(-time.Second)
	stages := []string{sandbox.StageSlotWait, sandbox.StageWorkDir}
	if compiled {
		stages = append(stages, sandbox.StageCompile)
	}
	if !compileFailed {
		stages = append(stages, runStages...)
	}
	for _, s := range stages {
		spec.Stages(s, at, at.Add(time.Millisecond))
		at = at.Add(time.Millisecond)
	}
}

// traced is a worker exporting to a new receiver, and what flushes its spans.
func traced(t *testing.T, b bundle, r Runner) (*Worker, *tracingtest.Receiver, func()) {
	t.Helper()
	rec := tracingtest.NewReceiver(t)
	tp, err := tracing.New(context.Background(), rec.URL, "livecode-test", "test")
	if err != nil {
		t.Fatal(err)
	}
	flush := func() {
		if err := tp.Shutdown(context.Background()); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	}
	return New(b.store, r, langs{}, Config{ID: "w", Tracer: tp}), rec, flush
}

// handleTraced handles b's execution as a job of the trace traceID.
func handleTraced(t *testing.T, w *Worker, b bundle, traceID string) {
	t.Helper()
	job := execution.Job{ExecutionID: b.exec.ID, TraceParent: "00-" + traceID + "-b7ad6b7169203331-01"}
	if err := w.Handle(context.Background(), queue.Delivery{Job: job}); err != nil {
		t.Fatal(err)
	}
}

// one returns the one span at the end of path, failing the test when there is not exactly one.
func one(t *testing.T, spans []tracingtest.Span, path ...string) tracingtest.Span {
	t.Helper()
	got := tracingtest.Walk(spans, path...)
	if len(got) != 1 {
		var names []string
		for _, s := range spans {
			names = append(names, s.Name)
		}
		t.Fatalf("%d spans at %v, want 1; trace has %v", len(got), path, names)
	}
	return got[0]
}

func TestRunSpansFromStages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	teardown := make(chan func(), 1)
	code := 3
	w, rec, flush := traced(t, b, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		report(s, true, false)
		teardown <- func() { s.Stages(sandbox.StageTeardown, time.Now(), time.Now()) }
		return execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonExitNonzero, ExitCode: &code,
			Stdout: "secret output", CompileTimeMS: nil}, nil
	}))
	const traceID = "0af7651916cd43dd8448eb211c80319c"
	handleTraced(t, w, b, traceID)
	(<-teardown)() // the sandbox reports the teardown after Run returned
	flush()
	spans := rec.Trace(traceID)

	sb := one(t, spans, "execution", "sandbox")
	if got, want := tracingtest.Children(spans, sb), []string{"slot_wait", "work_dir", "compile", "run", "teardown"}; !slices.Equal(got, want) {
		t.Errorf("sandbox's children %v, want %v", got, want)
	}
	run := one(t, spans, "execution", "sandbox", "run")
	if got := tracingtest.Children(spans, run); !slices.Equal(got, runStages) {
		t.Errorf("run's children %v, want %v", got, runStages)
	}
	for _, s := range []tracingtest.Span{sb, run} {
		if s.Attrs["status"] != "FAILED" || s.Attrs["reason"] != "exit_nonzero" || s.Attrs["exit_code"] != "3" || s.Error {
			t.Errorf("%s: attrs %v error %v", s.Name, s.Attrs, s.Error)
		}
	}
	if sb.Attrs["language"] != "python" {
		t.Errorf("sandbox attrs %v", sb.Attrs)
	}
	// No compile time: the cache held the program.
	if c := one(t, spans, "sandbox", "compile"); c.Attrs["compile.cached"] != "true" {
		t.Errorf("compile attrs %v", c.Attrs)
	}
	// The run step spans its stages, which keep the times the sandbox reported.
	first, last := one(t, spans, "run", runStages[0]), one(t, spans, "run", runStages[len(runStages)-1])
	if !run.Start.Equal(first.Start) || !run.End.Equal(last.End) || last.End.Sub(first.Start) != time.Duration(len(runStages))*time.Millisecond {
		t.Errorf("run %v–%v, its stages %v–%v", run.Start, run.End, first.Start, last.End)
	}
	for _, s := range spans {
		for k, v := range s.Attrs {
			if v == "secret output" {
				t.Errorf("span %s carries the program's output in %s", s.Name, k)
			}
		}
	}
}

func TestRunSpansJudged(t *testing.T) {
	t.Parallel()
	b := setup(t, judged(test("a", "a"), test("b", "x")))
	calls := 0
	w, rec, flush := traced(t, b, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		calls++
		report(s, true, false)
		r := completed(map[int]string{1: "a", 2: "b"}[calls])
		if calls == 1 {
			ms := int64(5)
			r.CompileTimeMS = &ms // the first test compiles, the next finds it in the cache
		}
		return r, nil
	}))
	const traceID = "1af7651916cd43dd8448eb211c80319c"
	handleTraced(t, w, b, traceID)
	flush()
	spans := rec.Trace(traceID)

	tests := tracingtest.Walk(spans, "execution", "sandbox", "test")
	if len(tests) != 2 {
		t.Fatalf("%d test spans, want 2: %v", len(tests), rec.Spans(traceID))
	}
	slices.SortFunc(tests, func(a, b tracingtest.Span) int { return a.Start.Compare(b.Start) })
	for i, want := range []struct{ index, verdict, cached string }{{"0", "accepted", "false"}, {"1", "wrong_answer", "true"}} {
		tc := tests[i]
		if tc.Attrs["test.index"] != want.index || tc.Attrs["verdict"] != want.verdict {
			t.Errorf("test %d attrs %v, want index %s verdict %s", i, tc.Attrs, want.index, want.verdict)
		}
		if got := tracingtest.Children(spans, tc); !slices.Equal(got, []string{"slot_wait", "work_dir", "compile", "run"}) {
			t.Errorf("test %d's children %v", i, got)
		}
		compile := tracingtest.Walk(spans, "compile")
		if c := slices.IndexFunc(compile, func(s tracingtest.Span) bool { return s.ParentID == tc.ID }); c < 0 ||
			compile[c].Attrs["compile.cached"] != want.cached {
			t.Errorf("test %d's compile span: cached want %s, in %+v", i, want.cached, compile)
		}
	}
	if sb := one(t, spans, "execution", "sandbox"); sb.Attrs["judged"] != "true" || sb.Attrs["reason"] != "wrong_answer" {
		t.Errorf("sandbox attrs %v", sb.Attrs)
	}
}

func TestRunSpansSandboxFailure(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w, rec, flush := traced(t, b, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		s.Stages(sandbox.StageSlotWait, time.Now(), time.Now())
		return execution.Result{}, errors.New("cgroup gone")
	}))
	const traceID = "2af7651916cd43dd8448eb211c80319c"
	job := execution.Job{ExecutionID: b.exec.ID, TraceParent: "00-" + traceID + "-b7ad6b7169203331-01"}
	if err := w.Handle(context.Background(), queue.Delivery{Job: job, MaxRetry: 2}); err == nil {
		t.Fatal("Handle: no error from a failed sandbox")
	}
	flush()
	spans := rec.Trace(traceID)
	sb := one(t, spans, "execution", "sandbox")
	if !sb.Error || !slices.Contains(sb.Events, "exception") {
		t.Errorf("sandbox span: error %v events %v", sb.Error, sb.Events)
	}
	if got := tracingtest.Children(spans, sb); !slices.Equal(got, []string{"slot_wait"}) {
		t.Errorf("sandbox's children %v", got)
	}
}

// TestRunSpansOff: without tracing, the sandbox is asked for no timeline.
func TestRunSpansOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var asked bool
	w := New(b.store, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		asked = s.Stages != nil
		return completed("hi\n"), nil
	}), langs{}, Config{ID: "w", Tracer: tracing.Off()})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	if asked {
		t.Error("the sandbox was asked for its stages with tracing off")
	}
}

// BenchmarkStageSpans measures the spans of one run's full timeline (a compiled language's:
// 14 stages, 15 spans with the run step's), made by a recording provider that exports nowhere.
func BenchmarkStageSpans(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	w := &Worker{tracer: tp.Tracer("bench"), traced: true}
	ctx, span := w.tracer.Start(context.Background(), "sandbox")
	defer span.End()
	stages := append([]string{sandbox.StageSlotWait, sandbox.StageWorkDir, sandbox.StageCompile}, append(runStages, sandbox.StageTeardown)...)
	at := time.Now()
	res := completed("hi\n")
	b.ReportAllocs()
	for b.Loop() {
		var spec sandbox.Spec
		s := w.traceStages(ctx, &spec)
		for _, st := range stages {
			spec.Stages(st, at, at.Add(time.Millisecond))
		}
		s.ran(res)
	}
}

// TestRunSpansCancelled: a client's cancel is the run's result, not a failure of the sandbox.
func TestRunSpansCancelled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	broker := memstream.New(memstream.Config{})
	defer broker.Close()
	started := make(chan struct{})
	rec := tracingtest.NewReceiver(t)
	tp, err := tracing.New(context.Background(), rec.URL, "livecode-test", "test")
	if err != nil {
		t.Fatal(err)
	}
	w := New(b.store, runnerFunc(func(ctx context.Context, _ sandbox.Spec) (execution.Result, error) {
		close(started)
		<-ctx.Done()
		return execution.Result{Status: execution.StatusCancelled, Reason: execution.ReasonCancelled}, ctx.Err()
	}), langs{}, Config{ID: "w", Broker: broker, Lease: time.Minute, Tracer: tp})
	const traceID = "3af7651916cd43dd8448eb211c80319c"
	done := make(chan error, 1)
	go func() {
		job := execution.Job{ExecutionID: b.exec.ID, TraceParent: "00-" + traceID + "-b7ad6b7169203331-01"}
		done <- w.Handle(context.Background(), queue.Delivery{Job: job})
	}()
	<-started
	if err := broker.SendControl(context.Background(), b.exec.ID, stream.Control{Type: stream.ControlCancel}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Handle: %v", err)
	}
	w.Wait()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sb := one(t, rec.Trace(traceID), "execution", "sandbox"); sb.Error || sb.Attrs["status"] != "CANCELLED" {
		t.Errorf("sandbox span of a cancelled run: error %v attrs %v", sb.Error, sb.Attrs)
	}
}
