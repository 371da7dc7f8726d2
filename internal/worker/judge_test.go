// Tests of judged runs in the worker, with a scripted runner: the loop, its bounds, its events.

package worker

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/sandbox"
	"livecode/internal/store"
	"livecode/internal/stream"
	"livecode/internal/stream/memstream"
)

func judged(tests ...execution.Test) func(*store.NewExecution) {
	return func(n *store.NewExecution) { n.Judge = &execution.Judge{Tests: tests} }
}

func test(stdin, expected string) execution.Test {
	return execution.Test{Stdin: []byte(stdin), ExpectedOutput: []byte(expected)}
}

// echo is a runner whose program prints its stdin, or fails as the stdin says.
func echo(specs *[]sandbox.Spec) Runner {
	return runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		in, _ := io.ReadAll(s.Stdin)
		*specs = append(*specs, s)
		ms, kb := int64(len(in)), int64(100*len(in))
		switch string(in) {
		case "crash":
			code := 139
			return execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonSignal, Signal: "SIGSEGV", ExitCode: &code,
				Stderr: "boom", ExecutionTimeMS: &ms, MemoryKB: &kb}, nil
		case "slow":
			return execution.Result{Status: execution.StatusTimeout, Reason: execution.ReasonTimeLimit, ExecutionTimeMS: &ms}, nil
		}
		r := completed(string(in))
		r.ExecutionTimeMS, r.CPUTimeMS, r.MemoryKB = &ms, &ms, &kb
		return r, nil
	})
}

func TestJudgeRunsEachTest(t *testing.T) {
	t.Parallel()
	b := setup(t, judged(test("a", "a"), execution.Test{Stdin: []byte("bb"), ExpectedOutput: []byte("x"), Args: []string{"-v"}, TimeLimitMS: 300},
		test("crash", ""), test("cccc", "cccc\n")))
	var specs []sandbox.Spec
	w := New(b.store, echo(&specs), langs{}, Config{ID: "w"})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	e := get(t, b)
	var got []execution.Verdict
	for _, r := range e.Result.Tests {
		got = append(got, r.Verdict)
	}
	want := []execution.Verdict{execution.VerdictAccepted, execution.VerdictWrongAnswer, execution.VerdictRuntimeError, execution.VerdictAccepted}
	if len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Fatalf("verdicts %v, want %v", got, want)
	}
	if crash := e.Result.Tests[2]; crash.Reason != execution.ReasonSignal || crash.Signal != "SIGSEGV" || string(crash.Stderr) != "boom" {
		t.Errorf("crash test: %+v", crash)
	}
	// The run: the first failing test's status, wrong_answer for a wrong answer; times summed, memory the largest.
	if r := e.Result; e.Status != execution.StatusFailed || r.Reason != execution.ReasonWrongAnswer || *r.ExecutionTimeMS != 1+2+5+4 ||
		*r.MemoryKB != 500 || r.Stdout != "" {
		t.Errorf("run result: %s %+v", e.Status, r)
	}
	// Each test ran with its own stdin, its args and time limit when it has them, the run's otherwise.
	if len(specs) != 4 || specs[0].Limits.TimeLimitMS != 1000 || specs[1].Limits.TimeLimitMS != 300 || specs[1].Args[0] != "-v" ||
		specs[2].Args != nil || specs[0].Output != nil {
		t.Errorf("specs: %+v", specs)
	}
}

func TestJudgeStopsOnFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, func(n *store.NewExecution) {
		n.Judge = &execution.Judge{StopOnFailure: true, Tests: []execution.Test{test("a", "a"), test("slow", ""), test("c", "c")}}
	})
	var specs []sandbox.Spec
	w := New(b.store, echo(&specs), langs{}, Config{ID: "w"})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	e := get(t, b)
	if len(specs) != 2 || len(e.Result.Tests) != 2 || e.Result.Tests[1].Verdict != execution.VerdictTimeLimit ||
		e.Status != execution.StatusTimeout || e.Result.Reason != execution.ReasonTimeLimit {
		t.Errorf("stop on failure: %d runs, %s %+v", len(specs), e.Status, e.Result)
	}
}

func TestJudgeCompileErrorJudgesEveryTest(t *testing.T) {
	t.Parallel()
	b := setup(t, judged(test("a", "a"), test("b", "b")))
	var runs atomic.Int32
	w := New(b.store, runnerFunc(func(context.Context, sandbox.Spec) (execution.Result, error) {
		runs.Add(1)
		return execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonCompileError, CompileOutput: "main.c:1: error"}, nil
	}), langs{}, Config{ID: "w"})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	e := get(t, b)
	if runs.Load() != 1 || len(e.Result.Tests) != 2 || e.Result.Tests[1].Verdict != execution.VerdictCompileError ||
		e.Result.Reason != execution.ReasonCompileError || e.Result.CompileOutput != "main.c:1: error" {
		t.Errorf("compile error: %d runs, %+v", runs.Load(), e.Result)
	}
}

// TestJudgeTotalBound cuts the test running when the judged run's bound passes and runs no more.
func TestJudgeTotalBound(t *testing.T) {
	t.Parallel()
	b := setup(t, judged(test("a", "a"), test("b", "b"), test("c", "c")))
	var limits []int
	w := New(b.store, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		limits = append(limits, s.Limits.TimeLimitMS)
		time.Sleep(time.Duration(s.Limits.TimeLimitMS) * time.Millisecond) // every test runs to its limit
		return execution.Result{Status: execution.StatusTimeout, Reason: execution.ReasonTimeLimit}, nil
	}), langs{}, Config{ID: "w", JudgeTime: 200 * time.Millisecond})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	e := get(t, b)
	if len(limits) != 1 || limits[0] > 200 || len(e.Result.Tests) != 1 || e.Result.Tests[0].Reason != execution.ReasonJudgeTimeLimit ||
		e.Result.Tests[0].Verdict != execution.VerdictTimeLimit || e.Result.Reason != execution.ReasonJudgeTimeLimit {
		t.Errorf("limits %v, result %+v", limits, e.Result)
	}
}

func TestJudgeTestEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, judged(test("a", "a"), test("b", "x")))
	broker := memstream.New(memstream.Config{})
	defer broker.Close()
	var specs []sandbox.Spec
	w := New(b.store, echo(&specs), langs{}, Config{ID: "w", Broker: broker})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	for _, topic := range []string{stream.ExecutionTopic(b.exec.ID), stream.SessionTopic(b.exec.SessionID)} {
		var tests []string
		for _, ev := range readTopic(t, broker, topic, 200*time.Millisecond) {
			if ev.Type == stream.TypeStdout || ev.Type == stream.TypeStderr {
				t.Errorf("%s: a judged run streams no output: %s", topic, ev.Data)
			}
			if ev.Type == event.TypeTest {
				tests = append(tests, ev.Data)
			}
		}
		if len(tests) != 2 || !strings.Contains(tests[0], `"verdict":"accepted"`) || !strings.Contains(tests[1], `"verdict":"wrong_answer"`) ||
			!strings.Contains(tests[1], `"execution_id":"`+b.exec.ID+`"`) {
			t.Errorf("%s test events: %v", topic, tests)
		}
	}
}
