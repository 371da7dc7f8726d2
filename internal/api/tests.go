// Judged runs: the test cases and comparison options a run request may carry, and their checks.

package api

import (
	"encoding/base64"
	"fmt"
	"math"

	"livecode/internal/execution"
	"livecode/internal/problem"
)

// JudgeInput is what a run request may add to be judged, and the encoding of its bytes.
// Exported only so that request bodies can embed it (huma skips unexported embedded fields).
type JudgeInput struct {
	Tests         []TestInput `json:"tests,omitempty" nullable:"false" doc:"Test cases, at most MAX_TESTS (100), their stdin, expected_output and args together at most MAX_TESTS_BYTES (1 MiB): the program is compiled once and run once per test, each in a fresh sandbox with the run's limits"`
	Compare       string      `json:"compare,omitempty" enum:"exact,trailing_whitespace,tokens,float" doc:"How stdout is compared with expected_output; default trailing_whitespace"`
	AbsTolerance  *float64    `json:"abs_tolerance,omitempty" minimum:"0" doc:"compare float: numbers within this absolute difference match"`
	RelTolerance  *float64    `json:"rel_tolerance,omitempty" minimum:"0" doc:"compare float: numbers within this difference relative to the expected one match"`
	StopOnFailure bool        `json:"stop_on_failure,omitempty" doc:"Stop at the first test that is not accepted; the others do not run"`
	Encoding      string      `json:"encoding,omitempty" enum:"utf8,base64" doc:"base64: stdin and the tests' stdin and expected_output are base64, and the answer's stdout, stderr, output, compile_output and tests' output are too"`
}

// TestInput is one test case of a run request.
type TestInput struct {
	Stdin          string   `json:"stdin"`
	ExpectedOutput string   `json:"expected_output"`
	Args           []string `json:"args,omitempty" nullable:"false" doc:"This test's program arguments instead of the run's"`
	TimeLimitMS    *int     `json:"time_limit_ms,omitempty" minimum:"1" doc:"This test's wall-clock limit instead of the run's, at most MAX_TIME_LIMIT_MS"`
	Hidden         bool     `json:"hidden,omitempty" doc:"Keep this test's stdin, expected and actual output out of every answer and event: only its verdict and usage show"`
}

// judged reports whether the request asks anything of the judge.
func (j JudgeInput) judged() bool {
	return len(j.Tests) > 0 || j.Compare != "" || j.AbsTolerance != nil || j.RelTolerance != nil || j.StopOnFailure
}

// encoding is the request's encoding; an unknown one is a 422 naming body.encoding.
func (j JudgeInput) encoding() (execution.Encoding, error) {
	switch e := execution.Encoding(j.Encoding); e {
	case "", execution.EncodingUTF8:
		return "", nil
	case execution.EncodingBase64:
		return e, nil
	}
	return "", unprocessable("body.encoding", "encoding must be utf8 or base64, not %q", j.Encoding)
}

// decode is the bytes of a field sent in encoding; malformed base64 is a 422 naming field.
func decode(field, s string, enc execution.Encoding) (string, error) {
	if enc != execution.EncodingBase64 {
		return s, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", unprocessable(field, "%s is not valid base64: %v", field[len("body."):], err)
	}
	return string(b), nil
}

// decodeInput decodes r's binary-safe fields (stdin, the files whose encoding is base64) and
// checks its tests, setting r's stdin, files and judge as they are admitted.
func (s *server) decodeInput(r *runRequest) error {
	enc, err := r.Judge.encoding()
	if err != nil {
		return err
	}
	r.encoding = enc
	if r.Stdin != nil {
		stdin, err := decode("body.stdin", *r.Stdin, enc)
		if err != nil {
			return err
		}
		r.stdin = &stdin
	}
	if len(r.Files) > 0 {
		r.files = make([]FileInput, len(r.Files))
		for i, f := range r.Files {
			field := fmt.Sprintf("body.files[%d].", i)
			switch execution.Encoding(f.Encoding) {
			case "", execution.EncodingUTF8:
			case execution.EncodingBase64:
				if f.Content, err = decode(field+"content", f.Content, execution.EncodingBase64); err != nil {
					return err
				}
			default:
				return unprocessable(field+"encoding", "encoding must be utf8 or base64, not %q", f.Encoding)
			}
			f.Encoding = ""
			r.files[i] = f
		}
	}
	if r.judge, err = s.checkJudge(r.Judge, enc, s.cfg.MaxTimeLimitMS); err != nil || r.judge == nil {
		return err
	}
	switch {
	case r.Interactive:
		return unprocessable("body.interactive", "a judged run reads each test's stdin; it cannot be interactive")
	case r.Stdin != nil:
		return unprocessable("body.stdin", "a judged run reads each test's stdin, not the run's")
	case r.ExpectedOutput != nil:
		return unprocessable("body.expected_output", "a judged run's expected outputs are its tests'")
	}
	return nil
}

// checkJudge validates a request's tests and options and returns what the run is judged
// against, nil when it is not judged. Everything is checked before anything is admitted: a
// count, option or single value out of bounds is a 422, the tests' bytes past MAX_TESTS_BYTES
// a 413, each naming its field (body.tests[i].stdin, …).
func (s *server) checkJudge(j JudgeInput, enc execution.Encoding, maxTimeMS int) (*execution.Judge, error) {
	if !j.judged() {
		return nil, nil
	}
	if len(j.Tests) == 0 {
		return nil, unprocessable("body.tests", "compare, tolerances and stop_on_failure need tests")
	}
	if len(j.Tests) > s.cfg.MaxTests {
		return nil, unprocessable("body.tests", "at most %d tests (MAX_TESTS), not %d", s.cfg.MaxTests, len(j.Tests))
	}
	out := &execution.Judge{Compare: execution.Compare(j.Compare), StopOnFailure: j.StopOnFailure}
	switch out.Compare {
	case "", execution.CompareExact, execution.CompareTrailingWhitespace, execution.CompareTokens, execution.CompareFloat:
	default:
		return nil, unprocessable("body.compare", "compare must be exact, trailing_whitespace, tokens or float, not %q", j.Compare)
	}
	for _, t := range []struct {
		field string
		v     *float64
		dst   **float64
	}{{"body.abs_tolerance", j.AbsTolerance, &out.AbsTolerance}, {"body.rel_tolerance", j.RelTolerance, &out.RelTolerance}} {
		switch {
		case t.v == nil:
			continue
		case out.Compare != execution.CompareFloat:
			return nil, unprocessable(t.field, "a tolerance needs compare float")
		case math.IsNaN(*t.v) || math.IsInf(*t.v, 0) || *t.v < 0:
			return nil, unprocessable(t.field, "a tolerance must be a finite number of at least 0")
		}
		v := *t.v
		*t.dst = &v
	}
	total := 0
	for i, t := range j.Tests {
		at := fmt.Sprintf("body.tests[%d].", i)
		stdin, err := decode(at+"stdin", t.Stdin, enc)
		if err != nil {
			return nil, err
		}
		expected, err := decode(at+"expected_output", t.ExpectedOutput, enc)
		if err != nil {
			return nil, err
		}
		if t.Args != nil {
			if err := checkArgs(at+"args", t.Args, s.cfg.argBounds()); err != nil {
				return nil, err
			}
		}
		test := execution.Test{Stdin: []byte(stdin), ExpectedOutput: []byte(expected), Args: t.Args, Hidden: t.Hidden}
		if t.TimeLimitMS != nil {
			if *t.TimeLimitMS < 1 || *t.TimeLimitMS > maxTimeMS {
				return nil, unprocessable(at+"time_limit_ms", "time_limit_ms must be between 1 and %d", maxTimeMS)
			}
			test.TimeLimitMS = *t.TimeLimitMS
		}
		for _, f := range []struct {
			name string
			n    int
		}{{"stdin", len(stdin)}, {"expected_output", len(expected)}, {"args", argsBytes(t.Args)}} {
			if total += f.n; total > s.cfg.MaxTestsBytes {
				return nil, &problem.Error{Kind: problem.TooLarge, Field: at + f.name, Message: fmt.Sprintf(
					"the tests' stdin, expected_output and args are larger together than MAX_TESTS_BYTES (%d bytes)", s.cfg.MaxTestsBytes)}
			}
		}
		out.Tests = append(out.Tests, test)
	}
	return out, nil
}

func argsBytes(args []string) int {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	return n
}
