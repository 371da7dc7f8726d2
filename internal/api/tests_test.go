// Tests of judged runs at the API: admission bounds of tests, options and base64, and what a
// hidden test keeps back in every answer.

package api_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/event"
	"livecode/internal/execution"
)

func TestJudgeBounds(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) {
		c.MaxActivePerSession, c.RunRateLimit = 0, 0
		c.MaxTests, c.MaxTestsBytes, c.MaxTimeLimitMS = 3, 100, 2000
	})
	sid := b.newSession(t, "print(input())")
	test := func(stdin, expected string) map[string]any {
		return map[string]any{"stdin": stdin, "expected_output": expected}
	}
	tests := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = test("1", "1")
		}
		return out
	}
	x := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name     string
		ok, past map[string]any // a body at the bound (nil: none), and one refused
		status   int
		location string
	}{
		{"test count", map[string]any{"tests": tests(3)}, map[string]any{"tests": tests(4)}, 422, "body.tests"},
		{"tests total", map[string]any{"tests": []any{test(x(50), x(50))}},
			map[string]any{"tests": []any{test(x(50), x(40)), test("", x(11))}}, 413, "body.tests[1].expected_output"},
		{"tests args total", map[string]any{"tests": []any{map[string]any{"stdin": x(60), "expected_output": "", "args": []string{x(40)}}}},
			map[string]any{"tests": []any{map[string]any{"stdin": x(60), "expected_output": "", "args": []string{x(41)}}}}, 413, "body.tests[0].args"},
		{"test args NUL", nil, map[string]any{"tests": []any{map[string]any{"stdin": "", "expected_output": "", "args": []string{"a", "b\x00"}}}}, 422, "body.tests[0].args[1]"},
		{"test time limit", map[string]any{"tests": []any{map[string]any{"stdin": "", "expected_output": "", "time_limit_ms": 2000}}},
			map[string]any{"tests": []any{test("", ""), map[string]any{"stdin": "", "expected_output": "", "time_limit_ms": 2001}}}, 422, "body.tests[1].time_limit_ms"},
		{"compare mode", map[string]any{"tests": tests(1), "compare": "tokens"}, map[string]any{"tests": tests(1), "compare": "fuzzy"}, 422, "body.compare"},
		{"tolerance without float", map[string]any{"tests": tests(1), "compare": "float", "abs_tolerance": 0.5},
			map[string]any{"tests": tests(1), "compare": "tokens", "abs_tolerance": 0.5}, 422, "body.abs_tolerance"},
		{"rel tolerance default compare", nil, map[string]any{"tests": tests(1), "rel_tolerance": 0.1}, 422, "body.rel_tolerance"},
		{"negative tolerance", nil, map[string]any{"tests": tests(1), "compare": "float", "rel_tolerance": -1}, 422, "body.rel_tolerance"},
		{"options without tests", nil, map[string]any{"stop_on_failure": true}, 422, "body.tests"},
		{"tests and stdin", nil, map[string]any{"tests": tests(1), "stdin": "1"}, 422, "body.stdin"},
		{"encoding", map[string]any{"encoding": "utf8", "stdin": "x"}, map[string]any{"encoding": "hex", "stdin": "x"}, 422, "body.encoding"},
		{"base64 stdin", map[string]any{"encoding": "base64", "stdin": "AP8="}, map[string]any{"encoding": "base64", "stdin": "AP8"}, 422, "body.stdin"},
		{"base64 test stdin", map[string]any{"encoding": "base64", "tests": []any{test("AA==", "")}},
			map[string]any{"encoding": "base64", "tests": []any{test("AA==", ""), test("%%", "")}}, 422, "body.tests[1].stdin"},
		{"base64 expected", nil, map[string]any{"encoding": "base64", "tests": []any{test("", "not base64!")}}, 422, "body.tests[0].expected_output"},
		{"base64 file", map[string]any{"files": []any{map[string]any{"name": "a.py", "content": "cHJpbnQoMSk=", "encoding": "base64"}}},
			map[string]any{"files": []any{map[string]any{"name": "a.py", "content": "print(1)", "encoding": "base64"}}}, 422, "body.files[0].content"},
		{"base64 tests and stdin", nil, map[string]any{"encoding": "base64", "tests": []any{test("AA==", "")}, "stdin": "AA=="}, 422, "body.stdin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, ep := range []string{"session", "run", "batch"} {
				send := func(body map[string]any) response {
					switch ep {
					case "session":
						return b.do(t, "POST", "/code-sessions/"+sid+"/run", body)
					case "run":
						m := oneCall(body)
						m["wait_ms"] = 0
						return b.do(t, "POST", "/run", m)
					}
					m := oneCall(body)
					return b.do(t, "POST", "/runs/batch", map[string]any{"runs": []any{map[string]any{"language": "python", "code": "1"}, m}})
				}
				before := countExecutions(t, b)
				if tc.ok != nil {
					if r := send(tc.ok); r.status >= 300 || (ep == "batch" && itemProblem(r, 1) != nil) {
						t.Fatalf("%s at the bound: %d %s", ep, r.status, r.raw)
					}
				}
				r := send(tc.past)
				if ep == "batch" && r.status == http.StatusUnprocessableEntity {
					// A value the schema refuses (an enum, a minimum) refuses the whole batch.
					wantProblem(t, r, 422, strings.Replace(tc.location, "body.", "body.runs[1].", 1))
					continue
				}
				if ep == "batch" {
					p := itemProblem(r.want(t, http.StatusOK), 1)
					want := strings.Replace(tc.location, "body.", "body.runs[1].", 1)
					if p == nil || p["status"] != float64(tc.status) || !strings.Contains(string(r.raw), `"`+want+`"`) {
						t.Errorf("batch item: %s, want %d naming %s", r.raw, tc.status, want)
					}
					continue
				}
				r.want(t, tc.status)
				wantProblem(t, r, tc.status, tc.location)
				// Nothing of a refused run is admitted.
				if n := countExecutions(t, b); tc.ok == nil && n != before {
					t.Errorf("%s: %d executions after a refusal, %d before", ep, n, before)
				}
			}
		})
	}
}

// oneCall is body as a one-call run of python: with code unless it has files.
func oneCall(body map[string]any) map[string]any {
	m := map[string]any{"language": "python", "code": "print(1)"}
	for k, v := range body {
		m[k] = v
	}
	if _, ok := m["files"]; ok {
		delete(m, "code")
	}
	return m
}

// itemProblem is the problem of run i of a batch answer, nil when it was admitted.
func itemProblem(r response, i int) map[string]any {
	runs, _ := r.body["runs"].([]any)
	if i >= len(runs) {
		return map[string]any{}
	}
	item, _ := runs[i].(map[string]any)
	p, _ := item["problem"].(map[string]any)
	return p
}

// countExecutions counts every execution of the store, through its QUEUED ones' depth.
func countExecutions(t *testing.T, b *bundle) int {
	t.Helper()
	n, err := b.queue.Depth(context.Background())
	if err != nil {
		t.Fatalf("depth: %v", err)
	}
	return n
}

// TestHiddenTests finishes a judged run with a hidden and a visible test and reads it through
// every answer: the hidden test's input, expected and actual output are absent; base64 applies.
func TestHiddenTests(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit = 0, 0 })
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(input())", "wait_ms": 0, "encoding": "base64",
		"tests": []any{
			map[string]any{"stdin": b64("visible-in\x00"), "expected_output": b64("visible-out\xff")},
			map[string]any{"stdin": b64("SECRET-IN"), "expected_output": b64("SECRET-OUT"), "hidden": true},
		}}).want(t, http.StatusAccepted)
	id := r.str("execution_id")
	if strings.Contains(string(r.raw), "SECRET") || strings.Contains(string(r.raw), b64("SECRET-IN")) {
		t.Errorf("POST /run answer shows a hidden test: %s", r.raw)
	}
	ctx := context.Background()
	e, ok, err := b.store.Claim(ctx, id, "w", time.Now(), time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if e.Judge == nil || len(e.Judge.Tests) != 2 || string(e.Judge.Tests[0].Stdin) != "visible-in\x00" || !e.Judge.Tests[1].Hidden {
		t.Fatalf("stored judge: %+v", e.Judge)
	}
	ms := func(v int64) *int64 { return &v }
	if _, err := b.store.Finish(ctx, id, "w", e.Attempts, execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonWrongAnswer,
		Tests: []execution.TestResult{
			{Index: 0, Verdict: execution.VerdictAccepted, Stdout: []byte("visible-out\xff"), ExecutionTimeMS: ms(4), MemoryKB: ms(10)},
			{Index: 1, Verdict: execution.VerdictWrongAnswer, Stdout: []byte("SECRET-ACTUAL"), Stderr: []byte("SECRET-ERR"), ExecutionTimeMS: ms(9), MemoryKB: ms(7)},
		}}, time.Now()); err != nil {
		t.Fatalf("finish: %v", err)
	}
	for _, path := range []string{"/executions/" + id, "/executions?ids=" + id, "/judge0/submissions/" + id + "?fields=*&base64_encoded=true"} {
		g := b.do(t, "GET", path, nil).want(t, http.StatusOK)
		for _, secret := range []string{"SECRET", b64("SECRET-IN"), b64("SECRET-OUT"), b64("SECRET-ACTUAL"), b64("SECRET-ERR")} {
			if strings.Contains(string(g.raw), secret) {
				t.Errorf("GET %s shows %q of a hidden test: %s", path, secret, g.raw)
			}
		}
	}
	g := b.do(t, "GET", "/executions/"+id, nil)
	tests, _ := g.body["tests"].([]any)
	if len(tests) != 2 {
		t.Fatalf("tests: %s", g.raw)
	}
	visible, hidden := tests[0].(map[string]any), tests[1].(map[string]any)
	if visible["stdout"] != b64("visible-out\xff") || visible["stdin"] != b64("visible-in\x00") || visible["hidden"] != false {
		t.Errorf("visible test: %v", visible)
	}
	for _, k := range []string{"stdin", "expected_output", "stdout", "stderr"} {
		if _, ok := hidden[k]; ok {
			t.Errorf("hidden test has %s: %v", k, hidden)
		}
	}
	if hidden["verdict"] != "wrong_answer" || hidden["hidden"] != true {
		t.Errorf("hidden test: %v", hidden)
	}
	j, _ := g.body["judge"].(map[string]any)
	if j["verdict"] != "wrong_answer" || j["passed"] != float64(1) || j["total"] != float64(2) || j["max_time_ms"] != float64(9) ||
		j["max_memory_kb"] != float64(10) || j["compare"] != "trailing_whitespace" || g.body["encoding"] != "base64" {
		t.Errorf("judge summary: %s", g.raw)
	}
	// The test event's data is the same view.
	done, err := b.store.GetExecution(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ev := event.Test(done, done.Result.Tests[1]); ev.Type != event.TypeTest || strings.Contains(ev.Data, "SECRET") ||
		!strings.Contains(ev.Data, `"execution_id":"`+id+`"`) || !strings.Contains(ev.Data, `"verdict":"wrong_answer"`) {
		t.Errorf("test event: %+v", ev)
	}
	// Judge0 reads the judged run's first failure as Wrong Answer.
	if s := b.do(t, "GET", "/judge0/submissions/"+id+"?fields=status_id", nil); s.body["status_id"] != float64(4) {
		t.Errorf("judge0 status: %s", s.raw)
	}
}
