// Tests of the output comparison modes and of the verdicts.

package judge_test

import (
	"math"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/judge"
)

func TestEqual(t *testing.T) {
	t.Parallel()
	exact := judge.Options{Mode: execution.CompareExact}
	trailing := judge.Options{}
	tokens := judge.Options{Mode: execution.CompareTokens}
	float0 := judge.Options{Mode: execution.CompareFloat}
	abs := judge.Options{Mode: execution.CompareFloat, AbsTolerance: 1e-6}
	rel := judge.Options{Mode: execution.CompareFloat, RelTolerance: 1e-9}
	for _, c := range []struct {
		name             string
		o                judge.Options
		expected, actual string
		want             bool
	}{
		{"exact same", exact, "1 2\n", "1 2\n", true},
		{"exact missing newline", exact, "1 2\n", "1 2", false},
		{"exact bytes", exact, "\x00\xff", "\x00\xff", true},
		{"trailing default blanks", trailing, "1 2\n3\n", "1 2  \r\n3\t\n\n\n", true},
		{"trailing missing newline", trailing, "1\n", "1", true},
		{"trailing leading blank differs", trailing, "1\n", " 1\n", false},
		{"trailing inner blank differs", trailing, "1 2\n", "1  2\n", false},
		{"trailing empty lines inside", trailing, "1\n2\n", "1\n\n2\n", false},
		{"trailing empty", trailing, "", "\n \n", true},
		{"tokens", tokens, "1 2\n3", " 1\n2\t3 \n", true},
		{"tokens differ", tokens, "1 2 3", "1 2", false},
		{"tokens case", tokens, "Yes", "YES", false},
		{"float exact by default", float0, "0.5", "0.50", true},
		{"float no tolerance", float0, "0.1", "0.1000001", false},
		{"float abs within", abs, "1.0", "1.0000005", true},
		{"float abs past", abs, "1.0", "1.000002", false},
		{"float abs negative", abs, "-2.5", "-2.4999995", true},
		{"float rel within", rel, "1e12", "1000000000000.5", true},
		{"float rel past", rel, "1e12", "1000000002000", false},
		{"float exponent forms", float0, "1.5e3 2E-2 -0", "1500 0.02 0", true},
		{"float exponent sign", abs, "1e+2", "100.0000001", true},
		{"float leading point", float0, ".5 5.", "0.5 5", true},
		{"float nan", abs, "nan NaN", "NaN nan", true},
		{"float nan vs number", abs, "nan", "0", false},
		{"float number vs nan", abs, "0", "nan", false},
		{"float inf", abs, "inf -Infinity", "+Inf -inf", true},
		{"float inf sign", abs, "inf", "-inf", false},
		{"float inf vs huge", judge.Options{Mode: execution.CompareFloat, AbsTolerance: math.MaxFloat64}, "inf", "1e308", false},
		{"float out of range reads as inf", float0, "1e999", "inf", true},
		{"float words exact", abs, "x = 1.0000001", "x = 1.0", true},
		{"float word differs", abs, "yes 1", "no 1", false},
		{"float not a number actual", abs, "1", "one", false},
		{"float hex is a word", abs, "0x10", "16", false},
		{"float separators are a word", abs, "1_000", "1000", false},
		{"float token count", abs, "1 2", "1", false},
		{"float rel of zero", rel, "0", "1e-300", false},
	} {
		if got := judge.Equal(c.o, []byte(c.expected), []byte(c.actual)); got != c.want {
			t.Errorf("%s: Equal(%q, %q) = %v, want %v", c.name, c.expected, c.actual, got, c.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	ok := execution.Result{Status: execution.StatusCompleted, Stdout: "42\n"}
	failed := func(r execution.Reason) execution.Result {
		return execution.Result{Status: execution.StatusFailed, Reason: r, Stdout: "42\n"}
	}
	for _, c := range []struct {
		r    execution.Result
		want execution.Verdict
	}{
		{ok, execution.VerdictAccepted},
		{execution.Result{Status: execution.StatusCompleted, Stdout: "41\n"}, execution.VerdictWrongAnswer},
		{execution.Result{Status: execution.StatusTimeout, Reason: execution.ReasonTimeLimit}, execution.VerdictTimeLimit},
		{execution.Result{Status: execution.StatusTimeout, Reason: execution.ReasonCPULimit}, execution.VerdictTimeLimit},
		{failed(execution.ReasonJudgeTimeLimit), execution.VerdictTimeLimit},
		{failed(execution.ReasonMemoryLimit), execution.VerdictMemoryLimit},
		{failed(execution.ReasonOutputLimit), execution.VerdictOutputLimit},
		{failed(execution.ReasonExitNonzero), execution.VerdictRuntimeError},
		{failed(execution.ReasonSignal), execution.VerdictRuntimeError},
		{failed(execution.ReasonProcessLimit), execution.VerdictRuntimeError},
		{failed(execution.ReasonFileSizeLimit), execution.VerdictRuntimeError},
		{failed(execution.ReasonCompileError), execution.VerdictCompileError},
		{failed(execution.ReasonInternal), execution.VerdictInternal},
	} {
		if got := judge.Verdict(judge.Options{}, []byte("42"), c.r); got != c.want {
			t.Errorf("Verdict(%s/%s) = %s, want %s", c.r.Status, c.r.Reason, got, c.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	ms := func(v int64) *int64 { return &v }
	s := judge.Summarize(4, []execution.TestResult{
		{Verdict: execution.VerdictAccepted, ExecutionTimeMS: ms(5), MemoryKB: ms(100)},
		{Verdict: execution.VerdictWrongAnswer, ExecutionTimeMS: ms(9), MemoryKB: ms(50)},
		{Verdict: execution.VerdictTimeLimit, ExecutionTimeMS: ms(7), MemoryKB: ms(300)},
	})
	if s.Verdict != execution.VerdictWrongAnswer || s.Passed != 1 || s.Total != 4 || s.Ran != 3 || *s.MaxTimeMS != 9 || *s.MaxMemoryKB != 300 {
		t.Errorf("Summarize = %+v", s)
	}
	if s := judge.Summarize(2, []execution.TestResult{{Verdict: execution.VerdictAccepted}, {Verdict: execution.VerdictAccepted}}); s.Verdict != execution.VerdictAccepted || s.Passed != 2 || s.MaxTimeMS != nil {
		t.Errorf("all accepted: %+v", s)
	}
}
