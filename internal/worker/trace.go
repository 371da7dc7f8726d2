// Spans of a sandbox run's steps and stages, made after the fact from the timeline the run reports.

package worker

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
)

// runStep is the span of the sandbox's run step, the parent of its stages from the one after the
// compile (or the work dir) to the result's.
const runStep = "run"

// stageSpans gathers the stages a sandbox run reports (sandbox.Spec.Stages) and makes them spans
// under the span of ctx once the run returns: slot_wait, work_dir, compile (the compile step,
// with whether the compiler ran) and teardown there, the others under a "run" span of the run
// step. The teardown usually ends after the run returned; its span is then made when it does.
type stageSpans struct {
	tracer trace.Tracer
	ctx    context.Context
	mu     sync.Mutex
	stages []stageTime
	made   bool // the run returned: a stage reported now is made at once
}

type stageTime struct {
	name       string
	start, end time.Time
}

// traceStages makes spec report its stages for spans under the span of ctx; nil (which records
// nothing) when tracing is off.
func (w *Worker) traceStages(ctx context.Context, spec *sandbox.Spec) *stageSpans {
	if !w.traced {
		return nil
	}
	s := &stageSpans{tracer: w.tracer, ctx: ctx}
	spec.Stages = s.observe
	return s
}

func (s *stageSpans) observe(stage string, start, end time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.made {
		s.span(s.ctx, stageTime{stage, start, end})
		return
	}
	s.stages = append(s.stages, stageTime{stage, start, end})
}

// ran makes the spans of the stages reported so far, for the run whose result is res.
func (s *stageSpans) ran(res execution.Result) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.made = true
	var run trace.Span
	var runCtx context.Context
	var runEnd time.Time
	for _, st := range s.stages {
		switch st.name {
		case sandbox.StageSlotWait, sandbox.StageWorkDir, sandbox.StageTeardown:
			s.span(s.ctx, st)
		case sandbox.StageCompile:
			// The compiler ran for this run only when it reports a compile time; otherwise the
			// cache held the program (or an identical compile's failure).
			s.span(s.ctx, st, attribute.Bool("compile.cached", res.CompileTimeMS == nil))
		default:
			if run == nil {
				runCtx, run = s.tracer.Start(s.ctx, runStep, trace.WithTimestamp(st.start))
			}
			s.span(runCtx, st)
			runEnd = st.end
		}
	}
	if run != nil {
		run.SetAttributes(resultAttrs(res)...)
		run.End(trace.WithTimestamp(runEnd))
	}
}

func (s *stageSpans) span(ctx context.Context, st stageTime, attrs ...attribute.KeyValue) {
	_, sp := s.tracer.Start(ctx, st.name, trace.WithTimestamp(st.start), trace.WithAttributes(attrs...))
	sp.End(trace.WithTimestamp(st.end))
}

// resultAttrs are the attributes of what a run did: bounded values only, never its output.
func resultAttrs(res execution.Result) []attribute.KeyValue {
	attrs := []attribute.KeyValue{attribute.String("status", string(res.Status)), attribute.String("reason", string(res.Reason))}
	if res.ExitCode != nil {
		attrs = append(attrs, attribute.Int("exit_code", *res.ExitCode))
	}
	if res.Signal != "" {
		attrs = append(attrs, attribute.String("signal", res.Signal))
	}
	return attrs
}

// recordFailure records err on span, an infrastructure failure (a program's failure is its result).
func recordFailure(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "sandbox failed")
	}
}
