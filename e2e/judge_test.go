// End-to-end judged runs on `livecode serve` under bubblewrap: every verdict, every comparison
// mode, stop_on_failure, hidden tests in every answer and stream, base64 bytes, and the cost of
// a test next to a run.

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"livecode/internal/testsvc"
)

// judgeUIDBase is the sandbox uid range of the judge tests.
const judgeUIDBase = 84000

// judgedTest is a test's result as the answers show it.
type judgedTest struct {
	Index          int     `json:"index"`
	Hidden         bool    `json:"hidden"`
	Verdict        string  `json:"verdict"`
	Reason         *string `json:"reason"`
	ExitCode       *int    `json:"exit_code"`
	Signal         *string `json:"signal"`
	Stdin          *string `json:"stdin"`
	ExpectedOutput *string `json:"expected_output"`
	Stdout         *string `json:"stdout"`
	MemoryKB       *int64  `json:"memory_kb"`
	TimeMS         *int64  `json:"execution_time_ms"`
}

// judgedRun is a judged execution as the answers show it.
type judgedRun struct {
	ID            string       `json:"execution_id"`
	Status        string       `json:"status"`
	Reason        string       `json:"reason"`
	Encoding      string       `json:"encoding"`
	Stdout        string       `json:"stdout"`
	CompileTimeMS *int64       `json:"compile_time_ms"`
	Tests         []judgedTest `json:"tests"`
	Judge         *struct {
		Verdict     string `json:"verdict"`
		Passed      int    `json:"passed"`
		Total       int    `json:"total"`
		MaxTimeMS   *int64 `json:"max_time_ms"`
		MaxMemoryKB *int64 `json:"max_memory_kb"`
	} `json:"judge"`
}

// judgeRun sends a one-call run and waits for its answer, longer than call's client would.
func judgeRun(t *testing.T, base string, body map[string]any) judgedRun {
	t.Helper()
	body["wait_ms"] = testsvc.ScaleMS(200000)
	b, _ := json.Marshal(body)
	resp, err := judgeClient.Post(base+"/run", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("POST /run: %v", err)
	}
	defer resp.Body.Close()
	var r judgedRun
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /run: %d %+v %v", resp.StatusCode, r, err)
	}
	return r
}

// judgeClient waits for judged runs of 100 tests on a loaded host.
var judgeClient = &http.Client{Timeout: testsvc.Scale(240 * time.Second)}

func verdicts(r judgedRun) []string {
	var out []string
	for _, t := range r.Tests {
		out = append(out, t.Verdict)
	}
	return out
}

func tc(stdin, expected string) map[string]any {
	return map[string]any{"stdin": stdin, "expected_output": expected}
}

// verdictProgram does what its input says: answer, answer wrong, loop, eat memory, flood
// output, crash or exit 3.
const verdictProgram = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
char *volatile keep[4096]; /* the memory stays reachable, so no allocation is optimized away */
int main(void) {
	char w[16] = {0};
	if (scanf("%15s", w) != 1) return 2;
	if (!strcmp(w, "ok")) { int n; scanf("%d", &n); printf("%d\n", 2 * n); return 0; }
	if (!strcmp(w, "wa")) { puts("41"); return 0; }
	if (!strcmp(w, "tle")) { for (volatile unsigned long i = 0;; i++); }
	if (!strcmp(w, "mle")) { for (int i = 0;; i = (i + 1) % 4096) { keep[i] = malloc(1 << 20); if (keep[i]) memset(keep[i], i, 1 << 20); } }
	if (!strcmp(w, "ole")) { for (;;) fputs("flood flood flood flood\n", stdout); }
	if (!strcmp(w, "segv")) { raise(SIGSEGV); }
	return 3;
}
`

func TestJudgeEndToEnd(t *testing.T) {
	t.Parallel()
	p := startCompat(t, judgeUIDBase, "MAX_WAIT_MS=240000", "MAX_JUDGE_TIME_MS=200000", "SHUTDOWN_GRACE=210s")

	t.Run("verdicts", func(t *testing.T) {
		r := judgeRun(t, p.URL, map[string]any{"language": "c", "code": verdictProgram,
			"time_limit_ms": testsvc.ScaleMS(1500), "memory_limit_mb": 64, "output_limit_bytes": 4096,
			"tests": []any{tc("ok 21", "42\n"), tc("wa", "42\n"), tc("tle", ""),
				// Touching 64 MiB may take a while on a loaded host: this test has a limit of its own.
				map[string]any{"stdin": "mle", "expected_output": "", "time_limit_ms": testsvc.ScaleMS(20000)}, tc("ole", ""), tc("segv", ""), tc("exit", "")}})
		want := []string{"accepted", "wrong_answer", "time_limit", "memory_limit", "output_limit", "runtime_error", "runtime_error"}
		if !slices.Equal(verdicts(r), want) {
			t.Fatalf("verdicts %v, want %v: %+v", verdicts(r), want, r)
		}
		if seg := r.Tests[5]; seg.Reason == nil || *seg.Reason != "signal" || seg.Signal == nil || *seg.Signal != "SIGSEGV" {
			t.Errorf("segv test: %+v", seg)
		}
		if ex := r.Tests[6]; ex.Reason == nil || *ex.Reason != "exit_nonzero" || ex.ExitCode == nil || *ex.ExitCode != 3 {
			t.Errorf("exit test: %+v", ex)
		}
		if r.Status != "FAILED" || r.Reason != "wrong_answer" || r.Judge == nil || r.Judge.Verdict != "wrong_answer" ||
			r.Judge.Passed != 1 || r.Judge.Total != 7 || r.Judge.MaxMemoryKB == nil || *r.Judge.MaxMemoryKB < 32<<10 {
			t.Errorf("summary: %s/%s %+v", r.Status, r.Reason, r.Judge)
		}
		if r.Tests[0].Stdout == nil || *r.Tests[0].Stdout != "42\n" {
			t.Errorf("accepted test's stdout: %+v", r.Tests[0])
		}
	})

	t.Run("compile error", func(t *testing.T) {
		r := judgeRun(t, p.URL, map[string]any{"language": "c", "code": "int main(void) { return x; }",
			"tests": []any{tc("", ""), tc("", "")}})
		if !slices.Equal(verdicts(r), []string{"compile_error", "compile_error"}) || r.Reason != "compile_error" || r.Judge.Verdict != "compile_error" {
			t.Errorf("compile error: %+v", r)
		}
	})

	t.Run("compare modes", func(t *testing.T) {
		for _, c := range []struct {
			compare string
			extra   map[string]any
			tests   []any
			want    []string
		}{
			{"exact", nil, []any{tc("a\n", "a\n"), tc("a \n", "a\n"), tc("a", "a\n")}, []string{"accepted", "wrong_answer", "wrong_answer"}},
			{"", nil, []any{tc("a \r\nb\n\n", "a\nb"), tc(" a\n", "a\n"), tc("a b\n", "a  b\n")}, []string{"accepted", "wrong_answer", "wrong_answer"}},
			{"tokens", nil, []any{tc(" a\n\tb  c", "a b\nc\n"), tc("a b", "a b c")}, []string{"accepted", "wrong_answer"}},
			{"float", map[string]any{"abs_tolerance": 1e-4, "rel_tolerance": 1e-6}, []any{tc("x 1.00005 2e6", "x 1.0 2000001.5"),
				tc("1.001", "1"), tc("nan inf", "NaN Inf"), tc("y 1", "x 1")}, []string{"accepted", "wrong_answer", "accepted", "wrong_answer"}},
		} {
			body := map[string]any{"language": "bash", "code": "cat", "tests": c.tests}
			if c.compare != "" {
				body["compare"] = c.compare
			}
			for k, v := range c.extra {
				body[k] = v
			}
			if r := judgeRun(t, p.URL, body); !slices.Equal(verdicts(r), c.want) {
				t.Errorf("compare %q: %v, want %v", c.compare, verdicts(r), c.want)
			}
		}
	})

	t.Run("stop on failure", func(t *testing.T) {
		tests := []any{tc("1", "1"), tc("2", "3"), tc("3", "3")}
		r := judgeRun(t, p.URL, map[string]any{"language": "bash", "code": "cat", "stop_on_failure": true, "tests": tests})
		if !slices.Equal(verdicts(r), []string{"accepted", "wrong_answer"}) || r.Judge.Passed != 1 || r.Judge.Total != 3 || r.Judge.Verdict != "wrong_answer" {
			t.Errorf("stop_on_failure: %+v %+v", verdicts(r), r.Judge)
		}
		r = judgeRun(t, p.URL, map[string]any{"language": "bash", "code": "cat", "tests": tests})
		if !slices.Equal(verdicts(r), []string{"accepted", "wrong_answer", "accepted"}) || r.Judge.Passed != 2 {
			t.Errorf("run all: %+v %+v", verdicts(r), r.Judge)
		}
	})

	t.Run("hidden", func(t *testing.T) { checkHidden(t, p.URL) })

	t.Run("base64", func(t *testing.T) {
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		b64 := base64.StdEncoding.EncodeToString(all)
		r := judgeRun(t, p.URL, map[string]any{"language": "bash", "code": "cat", "encoding": "base64", "compare": "exact",
			"tests": []any{tc(b64, b64), tc(b64, base64.StdEncoding.EncodeToString(all[:255]))}})
		if !slices.Equal(verdicts(r), []string{"accepted", "wrong_answer"}) || r.Encoding != "base64" ||
			r.Tests[0].Stdout == nil || *r.Tests[0].Stdout != b64 || r.Tests[0].Stdin == nil || *r.Tests[0].Stdin != b64 {
			t.Errorf("judged bytes: %+v", r)
		}
		// Not judged: stdin in, stdout out, every byte intact.
		plain := judgeRun(t, p.URL, map[string]any{"language": "bash", "code": "cat", "encoding": "base64", "stdin": b64})
		if plain.Status != "COMPLETED" || plain.Stdout != b64 {
			t.Errorf("base64 run: %+v", plain)
		}
		file := judgeRun(t, p.URL, map[string]any{"language": "bash", "encoding": "base64", "files": []any{
			map[string]any{"name": "main.sh", "content": "cat data.bin"},
			map[string]any{"name": "data.bin", "content": b64, "encoding": "base64"}}})
		if file.Stdout != b64 {
			t.Errorf("base64 file: %+v", file)
		}
	})
}

// checkHidden judges a run with a hidden test and reads it every way: the POST /run answer,
// GET, the SSE and WebSocket streams of the execution. Nothing of the hidden test but its
// verdict and usage shows anywhere; the stream has a test event per test.
func checkHidden(t *testing.T, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(120*time.Second))
	defer cancel()
	body := map[string]any{"language": "bash", "code": "read x; echo \"$x-OUT\"; echo \"$x-ERR\" >&2",
		"tests": []any{tc("visible", "visible-OUT\n"),
			map[string]any{"stdin": "HIDDENIN", "expected_output": "HIDDENEXPECTED", "hidden": true}}}
	var queued judgedRun
	if code := call(t, "POST", base+"/run", withWait(body, 0), &queued); code != 202 && code != 200 {
		t.Fatalf("POST /run: %d", code)
	}
	sse := openSSE(ctx, t, base+"/executions/"+queued.ID+"/events", 0)
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/executions/"+queued.ID+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(16 << 20)
	var socket []liveEvent
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			break // closed after the result
		}
		var ev liveEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		socket = append(socket, ev)
	}
	streams := map[string][]liveEvent{"sse": collect(ctx, t, sse), "websocket": socket}
	var got judgedRun
	call(t, "GET", base+"/executions/"+queued.ID, nil, &got)
	answers := map[string]any{"GET": got, "POST /run": judgeRun(t, base, body)}
	for name, evs := range streams {
		var tests []judgedTest
		for _, ev := range evs {
			if ev.Type == "test" {
				var tr judgedTest
				_ = json.Unmarshal(ev.Data, &tr)
				tests = append(tests, tr)
			}
		}
		if len(tests) != 2 || tests[0].Verdict != "accepted" || tests[1].Verdict != "wrong_answer" || !tests[1].Hidden ||
			tests[0].Stdout == nil || *tests[0].Stdout != "visible-OUT\n" {
			t.Errorf("%s test events: %+v (%s)", name, tests, describe(evs))
		}
		answers[name] = evs
	}
	for name, a := range answers {
		raw, _ := json.Marshal(a)
		for _, secret := range []string{"HIDDENIN", "HIDDENEXPECTED"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("%s shows %s of a hidden test: %s", name, secret, raw)
			}
		}
	}
	if len(got.Tests) != 2 || got.Tests[1].Stdin != nil || got.Tests[1].Stdout != nil || got.Tests[1].ExpectedOutput != nil ||
		got.Tests[1].Verdict != "wrong_answer" || got.Tests[1].TimeMS == nil {
		t.Errorf("GET hidden test: %+v", got.Tests)
	}
}

func withWait(body map[string]any, ms int) map[string]any {
	m := map[string]any{"wait_ms": ms}
	for k, v := range body {
		m[k] = v
	}
	return m
}

// TestJudgeMeasure judges a Go program against 100 tests of tiny input and logs the judged
// run's wall time and its cost per test next to one run of the same program, compiled and
// cached, measured in the same process. It asserts only the verdicts.
func TestJudgeMeasure(t *testing.T) {
	t.Parallel()
	p := startCompat(t, judgeUIDBase+100, "MAX_WAIT_MS=240000", "MAX_JUDGE_TIME_MS=200000", "SHUTDOWN_GRACE=210s")
	const code = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar a, b int\n\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}\n"
	tests := make([]any, 100)
	for i := range tests {
		tests[i] = tc(fmt.Sprintf("%d %d\n", i, i+1), fmt.Sprintf("%d\n", 2*i+1))
	}
	// Warm: the first run compiles and fills the cache.
	if r := judgeRun(t, p.URL, map[string]any{"language": "go", "code": code, "stdin": "1 2"}); r.Stdout != "3\n" {
		t.Fatalf("warm-up: %+v", r)
	}
	const rounds = 3
	var single, judged []time.Duration
	for range rounds {
		begin := time.Now()
		if r := judgeRun(t, p.URL, map[string]any{"language": "go", "code": code, "stdin": "1 2"}); r.Stdout != "3\n" || r.CompileTimeMS != nil {
			t.Fatalf("single run: %+v", r)
		}
		single = append(single, time.Since(begin))
		begin = time.Now()
		r := judgeRun(t, p.URL, map[string]any{"language": "go", "code": code, "tests": tests})
		judged = append(judged, time.Since(begin))
		if r.Judge == nil || r.Judge.Verdict != "accepted" || r.Judge.Passed != 100 {
			t.Fatalf("judged: %+v", r.Judge)
		}
	}
	slices.Sort(single)
	slices.Sort(judged)
	s, j := single[rounds/2], judged[rounds/2]
	t.Logf("Go, 100 tests of tiny input, median of %d: judged run %v (%v per test); one run of the cached program %v; per-test cost %.2fx a run, overhead per test %v",
		rounds, j, j/100, s, float64(j/100)/float64(s), j/100-s)
}
