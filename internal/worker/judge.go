// Judged runs: the program runs once per test, each in a fresh sandbox, and each run is judged.

package worker

import (
	"bytes"
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/judge"
	"livecode/internal/sandbox"
)

// testOutputBytes bounds the stdout and the stderr kept of each test; the comparison reads all
// the program wrote, up to its output limit.
const testOutputBytes = 64 << 10

// judge runs e's tests in order within the judged run's total bound (Config.JudgeTime). Each
// test is a run of its own in a fresh sandbox, with the test's stdin, arguments and time limit;
// the first compiles the program and puts it in the compile cache, where the others find it.
// A compile error judges every test not judged yet compile_error, without running it. The error is the
// runner's, with the result so far.
func (w *Worker) judge(ctx context.Context, e execution.Execution, spec sandbox.Spec, pub *publisher) (execution.Result, error) {
	j := *e.Judge
	opts := judge.OptionsOf(j)
	deadline := time.Now().Add(w.cfg.JudgeTime)
	var out execution.Result
	var failed *execution.Result // the run of the first test not accepted
	for i, t := range j.Tests {
		limit := e.Limits.TimeLimitMS
		if t.TimeLimitMS > 0 {
			limit = t.TimeLimitMS
		}
		remaining := time.Until(deadline).Milliseconds()
		if remaining < 1 {
			r := execution.Result{Status: execution.StatusTimeout, Reason: execution.ReasonJudgeTimeLimit}
			w.judged(e, &out, pub, execution.TestResult{Index: i, Verdict: execution.VerdictTimeLimit, Reason: r.Reason})
			failed = firstOf(failed, r)
			break
		}
		cut := int64(limit) > remaining
		ts := spec
		ts.Output = nil // a test's output shows in its result, where a hidden one is kept back
		ts.Stdin = bytes.NewReader(t.Stdin)
		ts.Limits.TimeLimitMS = int(min(int64(limit), remaining))
		if t.Args != nil {
			ts.Args = t.Args
		}
		tctx, span := w.tracer.Start(ctx, "test", trace.WithAttributes(attribute.Int("test.index", i)))
		stages := w.traceStages(tctx, &ts)
		r, err := w.runner.Run(tctx, ts)
		stages.ran(r)
		span.SetAttributes(resultAttrs(r)...)
		recordFailure(span, err)
		if i == 0 {
			out.CompileOutput, out.CompileTimeMS = r.CompileOutput, r.CompileTimeMS
		}
		if err != nil {
			span.End()
			return summed(out, failed), err
		}
		if r.Reason == execution.ReasonCompileError {
			span.SetAttributes(attribute.String("verdict", string(execution.VerdictCompileError)))
			span.End()
			for k := i; k < len(j.Tests); k++ {
				w.judged(e, &out, pub, execution.TestResult{Index: k, Verdict: execution.VerdictCompileError, Reason: r.Reason})
			}
			return summed(out, &r), nil
		}
		if cut && r.Reason == execution.ReasonTimeLimit {
			r.Reason = execution.ReasonJudgeTimeLimit // the run's total bound, not the test's own limit
		}
		tr := testResult(i, judge.Verdict(opts, t.ExpectedOutput, r), r)
		span.SetAttributes(attribute.String("verdict", string(tr.Verdict)))
		span.End()
		w.judged(e, &out, pub, tr)
		if tr.Verdict != execution.VerdictAccepted {
			if tr.Verdict == execution.VerdictWrongAnswer {
				r.Status, r.Reason = execution.StatusFailed, execution.ReasonWrongAnswer
			}
			failed = firstOf(failed, r)
			if j.StopOnFailure || r.Reason == execution.ReasonJudgeTimeLimit {
				break
			}
		}
	}
	return summed(out, failed), nil
}

// judged records test result r in out and publishes its "test" event.
func (w *Worker) judged(e execution.Execution, out *execution.Result, pub *publisher, r execution.TestResult) {
	out.Tests = append(out.Tests, r)
	if pub != nil {
		pub.test(event.Test(e, r))
	}
}

// testResult is test i's result from its run r, its output kept up to testOutputBytes.
func testResult(i int, v execution.Verdict, r execution.Result) execution.TestResult {
	tr := execution.TestResult{Index: i, Verdict: v, ExitCode: r.ExitCode, Signal: r.Signal,
		Stdout: head(r.Stdout), Stderr: head(r.Stderr),
		ExecutionTimeMS: r.ExecutionTimeMS, CPUTimeMS: r.CPUTimeMS, MemoryKB: r.MemoryKB}
	if v != execution.VerdictAccepted && v != execution.VerdictWrongAnswer {
		tr.Reason = r.Reason
	}
	return tr
}

func head(s string) []byte {
	if len(s) > testOutputBytes {
		s = s[:testOutputBytes]
	}
	return []byte(s)
}

func firstOf(failed *execution.Result, r execution.Result) *execution.Result {
	if failed != nil {
		return failed
	}
	return &r
}

// summed is the judged run's result: the status, reason, exit code and signal of the first
// test not accepted (COMPLETED when every test was), the tests' times summed and their largest
// memory. Its own output is empty: each test's is in its result.
func summed(out execution.Result, failed *execution.Result) execution.Result {
	out.Status = execution.StatusCompleted
	if failed != nil {
		out.Status, out.Reason, out.ExitCode, out.Signal = failed.Status, failed.Reason, failed.ExitCode, failed.Signal
	}
	for _, t := range out.Tests {
		out.ExecutionTimeMS = add(out.ExecutionTimeMS, t.ExecutionTimeMS)
		out.CPUTimeMS = add(out.CPUTimeMS, t.CPUTimeMS)
		if t.MemoryKB != nil && (out.MemoryKB == nil || *t.MemoryKB > *out.MemoryKB) {
			out.MemoryKB = ptr(*t.MemoryKB)
		}
	}
	return out
}

func add(a, b *int64) *int64 {
	if b == nil {
		return a
	}
	if a == nil {
		return ptr(*b)
	}
	return ptr(*a + *b)
}

func ptr[T any](v T) *T { return &v }
