// The views of a judged run: its tests' results, what a hidden test keeps back, and its summary.

package event

import (
	"encoding/base64"
	"encoding/json"

	"livecode/internal/execution"
	"livecode/internal/judge"
	"livecode/internal/stream"
)

// TypeTest is the type of the event published when a test of a judged run is judged.
const TypeTest = "test"

// TestView is one test's result. A hidden test shows neither its input, expected output nor
// actual output: those fields are absent, not empty.
type TestView struct {
	ExecutionID     string            `json:"execution_id,omitempty" doc:"In a test event only"`
	Index           int               `json:"index" doc:"Position in the request's tests"`
	Hidden          bool              `json:"hidden"`
	Verdict         execution.Verdict `json:"verdict" enum:"accepted,wrong_answer,time_limit,memory_limit,output_limit,runtime_error,compile_error,internal"`
	Reason          *string           `json:"reason" doc:"How the test's run ended when it was not accepted: exit_nonzero, signal, process_limit, file_size_limit, time_limit, cpu_limit, judge_time_limit, …"`
	ExitCode        *int              `json:"exit_code"`
	Signal          *string           `json:"signal"`
	Stdin           *string           `json:"stdin,omitempty" doc:"Absent for a hidden test"`
	ExpectedOutput  *string           `json:"expected_output,omitempty" doc:"Absent for a hidden test"`
	Stdout          *string           `json:"stdout,omitempty" doc:"Absent for a hidden test; the first 64 KiB"`
	Stderr          *string           `json:"stderr,omitempty" doc:"Absent for a hidden test; the first 64 KiB"`
	ExecutionTimeMS *int64            `json:"execution_time_ms"`
	CPUTimeMS       *int64            `json:"cpu_time_ms"`
	MemoryKB        *int64            `json:"memory_kb"`
}

// JudgeView sums up a judged run; its verdict is null until the run ends.
type JudgeView struct {
	Verdict       *execution.Verdict `json:"verdict" doc:"accepted when every test was, else the first failing test's verdict; null until the run ends"`
	Passed        int                `json:"passed"`
	Total         int                `json:"total"`
	MaxTimeMS     *int64             `json:"max_time_ms" doc:"The longest execution_time_ms of a test"`
	MaxMemoryKB   *int64             `json:"max_memory_kb" doc:"The largest memory_kb of a test"`
	Compare       execution.Compare  `json:"compare"`
	AbsTolerance  *float64           `json:"abs_tolerance,omitempty"`
	RelTolerance  *float64           `json:"rel_tolerance,omitempty"`
	StopOnFailure bool               `json:"stop_on_failure"`
}

// Test is the "test" event of test result r of judged execution e: the test as View(e) shows
// it (a hidden one without its bytes), with the execution's id.
func Test(e execution.Execution, r execution.TestResult) stream.Event {
	v := viewTest(e, r)
	v.ExecutionID = e.ID
	b, _ := json.Marshal(v) // cannot fail: strings, numbers and bools
	return stream.Event{Type: TypeTest, Data: string(b)}
}

// viewTest is test result r of e, hidden or not, its bytes in e's encoding.
func viewTest(e execution.Execution, r execution.TestResult) TestView {
	v := TestView{Index: r.Index, Verdict: r.Verdict, Reason: nonEmpty(string(r.Reason)), ExitCode: r.ExitCode,
		Signal: nonEmpty(r.Signal), ExecutionTimeMS: r.ExecutionTimeMS, CPUTimeMS: r.CPUTimeMS, MemoryKB: r.MemoryKB}
	if e.Judge == nil || r.Index < 0 || r.Index >= len(e.Judge.Tests) || e.Judge.Tests[r.Index].Hidden {
		v.Hidden = true // a result without its test is kept back too
		return v
	}
	t := e.Judge.Tests[r.Index]
	v.Stdin, v.ExpectedOutput = encoded(e.Encoding, string(t.Stdin)), encoded(e.Encoding, string(t.ExpectedOutput))
	v.Stdout, v.Stderr = encoded(e.Encoding, string(r.Stdout)), encoded(e.Encoding, string(r.Stderr))
	return v
}

// viewJudge is e's judge summary and test results, nil when e is not judged.
func viewJudge(e execution.Execution) (*JudgeView, []TestView) {
	if e.Judge == nil {
		return nil, nil
	}
	j := e.Judge
	s := judge.Summarize(len(j.Tests), e.Result.Tests)
	v := &JudgeView{Passed: s.Passed, Total: s.Total, MaxTimeMS: s.MaxTimeMS, MaxMemoryKB: s.MaxMemoryKB,
		Compare: j.Compare, AbsTolerance: j.AbsTolerance, RelTolerance: j.RelTolerance, StopOnFailure: j.StopOnFailure}
	if v.Compare == "" {
		v.Compare = execution.CompareTrailingWhitespace
	}
	if e.Status.Terminal() {
		verdict := s.Verdict
		if e.Result.Reason == execution.ReasonCompileError {
			verdict = execution.VerdictCompileError
		} else if len(e.Result.Tests) == 0 {
			verdict = execution.VerdictInternal // ended before any test ran: cancelled, refused, aborted
		}
		v.Verdict = &verdict
	}
	tests := make([]TestView, 0, len(e.Result.Tests))
	for _, r := range e.Result.Tests {
		tests = append(tests, viewTest(e, r))
	}
	return v, tests
}

// encoded is s as an answer writes it in enc: base64, or the text itself.
func encoded(enc execution.Encoding, s string) *string {
	if enc == execution.EncodingBase64 {
		s = base64.StdEncoding.EncodeToString([]byte(s))
	}
	return &s
}
