// End-to-end one-call runs (POST /run) on `livecode serve`, and their latency beside the session flow.

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"livecode/internal/testsvc"
)

// compatUIDBase is the sandbox uid range of the one-call and compatible API tests.
const compatUIDBase = 76000

// startCompat starts `livecode serve` with every language of the corpus, for the one-call and
// compatible API tests, on uids from uidBase.
func startCompat(t testing.TB, uidBase int, env ...string) *proc {
	t.Helper()
	p, _ := startLanguages(t, uidBase, env...)
	return p
}

// runResult is the subset of POST /run's answer the tests read.
type runResult struct {
	execution
	SessionID string `json:"session_id"`
}

func TestRunOnceEndToEnd(t *testing.T) {
	t.Parallel()
	p := startCompat(t, compatUIDBase)
	var r runResult
	code := call(t, "POST", p.URL+"/run", map[string]any{"language": "python", "code": "import sys\nprint(input()*2, sys.argv[1:])",
		"stdin": "ab\n", "args": []string{"x"}, "wait_ms": testsvc.ScaleMS(20000)}, &r)
	if code != 200 || r.Status != "COMPLETED" || r.Stdout != "abab ['x']\n" {
		t.Fatalf("POST /run: %d %+v", code, r)
	}
	var stored runResult
	if c := call(t, "GET", p.URL+"/executions/"+r.ID, nil, &stored); c != 200 || stored.Stdout != r.Stdout {
		t.Errorf("GET /executions/%s: %d %+v", r.ID, c, stored)
	}
	// A run longer than its wait answers 202, and ends by itself.
	code = call(t, "POST", p.URL+"/run", map[string]any{"language": "bash", "code": "sleep 1; echo late", "wait_ms": 0}, &r)
	if code != 202 || terminal(r.Status) {
		t.Fatalf("POST /run wait_ms 0: %d %+v", code, r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(60*time.Second))
	defer cancel()
	if e := await(ctx, t, p.URL, r.ID); e.Status != "COMPLETED" || e.Stdout != "late\n" {
		t.Errorf("after 202: %+v", e)
	}
}

// TestRunOnceLatency logs the median latency of print("hi") through POST /run and through the
// session flow (create, run, poll every 2 ms) on the same server; it asserts only the results.
func TestRunOnceLatency(t *testing.T) {
	t.Parallel()
	p := startCompat(t, compatUIDBase+100)
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(120*time.Second))
	defer cancel()
	const n = 10
	var once, flow []time.Duration
	for range n {
		begin := time.Now()
		var r runResult
		if code := call(t, "POST", p.URL+"/run", map[string]any{"language": "python", "code": `print("hi")`}, &r); code != 200 || r.Stdout != "hi\n" {
			t.Fatalf("POST /run: %d %+v", code, r)
		}
		once = append(once, time.Since(begin))
		begin = time.Now()
		if e := await(ctx, t, p.URL, run(t, p.URL, newSession(t, p.URL, "python", `print("hi")`), nil)); e.Stdout != "hi\n" {
			t.Fatalf("session flow: %+v", e)
		}
		flow = append(flow, time.Since(begin))
	}
	slices.Sort(once)
	slices.Sort(flow)
	t.Logf("print(\"hi\") median of %d: POST /run %v, session flow (create + run + poll 2 ms) %v", n, once[n/2], flow[n/2])
}

// TestRunOnceDistributed waits for one-call runs across processes: the API server follows the
// result over Redis while a worker process runs them, on PostgreSQL.
func TestRunOnceDistributed(t *testing.T) {
	t.Parallel()
	env := distributedEnv(t)
	api := start(t, "api", env...)
	start(t, "worker", append(env, "WORKERS=2", fmt.Sprintf("SANDBOX_UID_BASE=%d", compatUIDBase+500))...)
	var r runResult
	if code := call(t, "POST", api.URL+"/run", map[string]any{"language": "python", "code": `print("hi")`}, &r); code != 200 ||
		r.Status != "COMPLETED" || r.Stdout != "hi\n" {
		t.Fatalf("POST /run: %d %+v", code, r)
	}
	var j judge0Answer
	if code := call(t, "POST", api.URL+"/judge0/submissions?wait=true", map[string]any{"language_id": 71,
		"source_code": "print(input())", "stdin": "ok", "expected_output": "ok"}, &j); code != 201 || j.Status.ID != 3 {
		t.Errorf("judge0 wait: %d %+v", code, j)
	}
	var a pistonAnswer
	if code := call(t, "POST", api.URL+"/piston/api/v2/execute", map[string]any{"language": "bash", "version": "*",
		"files": []map[string]any{{"content": "echo $1"}}, "args": []string{"arg"}}, &a); code != 200 || a.Run == nil || a.Run.Stdout != "arg\n" {
		t.Errorf("piston: %d %+v", code, a)
	}
}

// TestRunOnceShutdown stops the server while a one-call run waits: the wait ends with the
// execution so far (202) instead of holding the shutdown until the run ends.
func TestRunOnceShutdown(t *testing.T) {
	t.Parallel()
	p := startCompat(t, compatUIDBase+600, "MAX_WAIT_MS=60000")
	answer := make(chan runResult, 1)
	codes := make(chan int, 1)
	go func() {
		var r runResult
		codes <- call(t, "POST", p.URL+"/run", map[string]any{"language": "bash", "code": "echo started; sleep 8",
			"time_limit_ms": 30000, "wait_ms": 60000}, &r)
		answer <- r
	}()
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(30*time.Second))
	defer cancel()
	for !runningOne(ctx, t, p.URL) {
		select {
		case <-ctx.Done():
			t.Fatal("the run never started")
		case <-time.After(20 * time.Millisecond):
		}
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code, r := <-codes, <-answer; code != 202 || terminal(r.Status) {
		t.Errorf("answer at shutdown: %d %+v, want 202 with the run unfinished", code, r)
	}
}

// runningOne reports whether the server has a RUNNING execution, by its metrics.
func runningOne(ctx context.Context, t testing.TB, base string) bool {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.Contains(string(b), "livecode_worker_slots_busy 1")
}
