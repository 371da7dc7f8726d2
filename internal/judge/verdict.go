// Verdicts: of one test's run, and of a judged run as a whole.

package judge

import "livecode/internal/execution"

// Verdict is the verdict of a test whose run ended with r, its stdout compared under o.
func Verdict(o Options, expected []byte, r execution.Result) execution.Verdict {
	switch r.Reason {
	case execution.ReasonNone:
		if r.Status != execution.StatusCompleted {
			return execution.VerdictInternal
		}
		if Equal(o, expected, []byte(r.Stdout)) {
			return execution.VerdictAccepted
		}
		return execution.VerdictWrongAnswer
	case execution.ReasonTimeLimit, execution.ReasonCPULimit, execution.ReasonJudgeTimeLimit:
		return execution.VerdictTimeLimit
	case execution.ReasonMemoryLimit:
		return execution.VerdictMemoryLimit
	case execution.ReasonOutputLimit:
		return execution.VerdictOutputLimit
	case execution.ReasonExitNonzero, execution.ReasonSignal, execution.ReasonProcessLimit, execution.ReasonFileSizeLimit:
		return execution.VerdictRuntimeError
	case execution.ReasonCompileError:
		return execution.VerdictCompileError
	}
	return execution.VerdictInternal
}

// Summary is the outcome of a judged run: its verdict (accepted when every test was, else the
// first failing test's), how many tests passed of how many, and the largest time and memory
// a test used.
type Summary struct {
	Verdict       execution.Verdict
	Passed, Total int
	Ran           int
	MaxTimeMS     *int64
	MaxMemoryKB   *int64
}

// Summarize sums up the results of a judged run of total tests.
func Summarize(total int, results []execution.TestResult) Summary {
	s := Summary{Verdict: execution.VerdictAccepted, Total: total, Ran: len(results)}
	for _, t := range results {
		if t.Verdict == execution.VerdictAccepted {
			s.Passed++
		} else if s.Verdict == execution.VerdictAccepted {
			s.Verdict = t.Verdict
		}
		s.MaxTimeMS = maxOf(s.MaxTimeMS, t.ExecutionTimeMS)
		s.MaxMemoryKB = maxOf(s.MaxMemoryKB, t.MemoryKB)
	}
	if s.Verdict == execution.VerdictAccepted && s.Ran < total {
		s.Verdict = execution.VerdictInternal // tests went unjudged without a failure
	}
	return s
}

func maxOf(a, b *int64) *int64 {
	if b == nil || (a != nil && *a >= *b) {
		return a
	}
	v := *b
	return &v
}
