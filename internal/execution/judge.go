// Judged runs: the test cases a run is judged against, and each test's verdict.

package execution

// Compare is how a test's actual output is compared with its expected output.
type Compare string

// The comparison modes; the empty mode means CompareTrailingWhitespace.
const (
	CompareExact              Compare = "exact"               // byte for byte
	CompareTrailingWhitespace Compare = "trailing_whitespace" // each line without its trailing blanks, trailing empty lines ignored
	CompareTokens             Compare = "tokens"              // the whitespace-separated tokens
	CompareFloat              Compare = "float"               // tokens; numbers within AbsTolerance or RelTolerance
)

// Encoding names how a request's binary-safe fields and an answer's output are written.
type Encoding string

// The encodings; empty means EncodingUTF8.
const (
	EncodingUTF8   Encoding = "utf8"
	EncodingBase64 Encoding = "base64"
)

// Test is one test case: the program runs once with Stdin (and Args, when set) and its
// stdout is compared with ExpectedOutput. Stdin and ExpectedOutput are bytes, not text.
type Test struct {
	Stdin          []byte   `json:"stdin"`
	ExpectedOutput []byte   `json:"expected_output"`
	Args           []string `json:"args,omitempty"`          // nil: the run's
	TimeLimitMS    int      `json:"time_limit_ms,omitempty"` // 0: the run's
	// Hidden keeps the test's input, expected and actual output from every answer: only its
	// verdict and usage show.
	Hidden bool `json:"hidden,omitempty"`
}

// Judge is what a judged run is judged against and how.
type Judge struct {
	Tests         []Test   `json:"tests"`
	Compare       Compare  `json:"compare,omitempty"`
	AbsTolerance  *float64 `json:"abs_tolerance,omitempty"`
	RelTolerance  *float64 `json:"rel_tolerance,omitempty"`
	StopOnFailure bool     `json:"stop_on_failure,omitempty"` // the tests after the first failure do not run
}

// Verdict is the judgement of one test, or of a whole judged run.
type Verdict string

// The verdicts.
const (
	VerdictAccepted     Verdict = "accepted"
	VerdictWrongAnswer  Verdict = "wrong_answer"
	VerdictTimeLimit    Verdict = "time_limit" // wall-clock or CPU-time limit
	VerdictMemoryLimit  Verdict = "memory_limit"
	VerdictOutputLimit  Verdict = "output_limit"
	VerdictRuntimeError Verdict = "runtime_error" // non-zero exit, signal, process or file-size limit
	VerdictCompileError Verdict = "compile_error"
	VerdictInternal     Verdict = "internal"
)

// ReasonWrongAnswer ends a judged run whose first failing test printed the wrong answer.
const ReasonWrongAnswer Reason = "wrong_answer"

// TestResult is what one test's run did. Stdout and Stderr are bytes, kept up to a bound.
type TestResult struct {
	Index           int     `json:"index"` // position in Judge.Tests
	Verdict         Verdict `json:"verdict"`
	Reason          Reason  `json:"reason,omitempty"` // the run's reason, e.g. signal, process_limit, judge_time_limit
	ExitCode        *int    `json:"exit_code,omitempty"`
	Signal          string  `json:"signal,omitempty"`
	Stdout          []byte  `json:"stdout,omitempty"`
	Stderr          []byte  `json:"stderr,omitempty"`
	ExecutionTimeMS *int64  `json:"execution_time_ms,omitempty"`
	CPUTimeMS       *int64  `json:"cpu_time_ms,omitempty"`
	MemoryKB        *int64  `json:"memory_kb,omitempty"`
}

// ReasonJudgeTimeLimit is the reason of a test cut short by the judged run's total bound.
const ReasonJudgeTimeLimit Reason = "judge_time_limit"
