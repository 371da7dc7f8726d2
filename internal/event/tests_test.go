// The views of a judged run: a hidden test without its bytes, base64 output, a result too large.

package event

import (
	"strings"
	"testing"

	"livecode/internal/execution"
)

func TestJudgedView(t *testing.T) {
	t.Parallel()
	e := execution.Execution{ID: "e1", Status: execution.StatusFailed, Encoding: execution.EncodingBase64,
		Judge: &execution.Judge{Tests: []execution.Test{
			{Stdin: []byte{0, 0xff}, ExpectedOutput: []byte("ok")},
			{Stdin: []byte("SECRET-IN"), ExpectedOutput: []byte("SECRET-OUT"), Hidden: true},
		}},
		Result: execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonWrongAnswer, Stdout: "\xff",
			Tests: []execution.TestResult{
				{Index: 0, Verdict: execution.VerdictAccepted, Stdout: []byte("ok")},
				{Index: 1, Verdict: execution.VerdictWrongAnswer, Stdout: []byte("SECRET-ACTUAL")},
			}}}
	data, err := ResultJSON(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `"stdout":"/w==",` // base64 of 0xff
	if !strings.Contains(string(data), want) || !strings.Contains(string(data), `"stdin":"AP8="`) ||
		!strings.Contains(string(data), `"judge":{"verdict":"wrong_answer","passed":1,"total":2,`) {
		t.Errorf("result: %s", data)
	}
	for _, doc := range []string{string(data), Test(e, e.Result.Tests[1]).Data} {
		if strings.Contains(doc, "SECRET") || strings.Contains(doc, "U0VDUkVU") { // "SECRET" in base64
			t.Errorf("a hidden test shows: %s", doc)
		}
	}
}

func TestResultTooLargeDropsTestBytes(t *testing.T) {
	t.Parallel()
	got := withoutOutput([]byte(`{"stdout":"x","tests":[{"index":0,"verdict":"accepted","stdin":"a","expected_output":"b","stdout":"c","stderr":"d"}]}`))
	want := `{"output_omitted":true,"stdout":null,"tests":[{"index":0,"verdict":"accepted"}]}`
	if got != want {
		t.Errorf("withoutOutput = %s, want %s", got, want)
	}
}
