// One-call runs (POST /run) through the HTTP API, on a real SQLite store and in-process broker.

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"livecode/internal/api"
	"livecode/internal/stream/memstream"
)

// withBroker gives the API a live event broker, returned for the test's worker.
func withBroker(t *testing.T) (*memstream.Broker, option) {
	t.Helper()
	br := memstream.New(memstream.Config{})
	t.Cleanup(func() { br.Close() })
	return br, func(_ *api.Config, d *api.Deps) { d.Broker = br }
}

func TestRunOnceAnswersTheResult(t *testing.T) {
	t.Parallel()
	br, opt := withBroker(t)
	b := setup(t, opt)
	b.workLive(t, br, nil)
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(1)", "stdin": "in"}).want(t, http.StatusOK)
	if r.str("status") != "COMPLETED" || r.str("stdout") != "ran: print(1) stdin: in" {
		t.Fatalf("answer: %s", r.raw)
	}
	id := r.str("execution_id")
	if loc := r.header.Get("Location"); loc != "/executions/"+id {
		t.Errorf("Location = %q", loc)
	}
	got := b.do(t, "GET", "/executions/"+id, nil).want(t, http.StatusOK)
	if got.str("stdout") != r.str("stdout") || got.str("session_id") != r.str("session_id") {
		t.Errorf("stored execution %s differs from the answer %s", got.raw, r.raw)
	}
}

// Without a broker the wait falls back to the store.
func TestRunOnceWithoutBroker(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.work(t)
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "files": []map[string]any{
		{"name": "main.py", "content": "import lib"}, {"name": "lib.py", "content": "x = 1"}}}).want(t, http.StatusOK)
	if r.str("status") != "COMPLETED" || r.str("stdout") != "ran: import lib stdin: " {
		t.Fatalf("answer: %s", r.raw)
	}
}

func TestRunOnceAnswers202AfterWait(t *testing.T) {
	t.Parallel()
	br, opt := withBroker(t)
	b := setup(t, opt)
	gate := make(chan struct{})
	b.workLive(t, br, gate)
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(2)", "wait_ms": 50}).want(t, http.StatusAccepted)
	id := r.str("execution_id")
	if r.str("status") != "QUEUED" || id == "" || r.body["stdout"] != nil {
		t.Fatalf("202 answer: %s", r.raw)
	}
	close(gate)
	if e := b.waitTerminal(t, id); e.str("stdout") != "ran: print(2) stdin: " {
		t.Errorf("stored after 202: %s", e.raw)
	}
	// wait_ms 0 never waits.
	b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(3)", "wait_ms": 0}).want(t, http.StatusAccepted)
}

func TestRunOnceIdempotent(t *testing.T) {
	t.Parallel()
	br, opt := withBroker(t)
	b := setup(t, opt)
	b.workLive(t, br, nil)
	body := map[string]any{"language": "python", "code": "print(4)"}
	first := b.do(t, "POST", "/run", body, "Idempotency-Key", "k1").want(t, http.StatusOK)
	again := b.do(t, "POST", "/run", body, "Idempotency-Key", "k1").want(t, http.StatusOK)
	if again.str("execution_id") != first.str("execution_id") {
		t.Errorf("replay ran again: %s, first %s", again.str("execution_id"), first.str("execution_id"))
	}
	other := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(5)"}, "Idempotency-Key", "k1")
	other.want(t, http.StatusUnprocessableEntity)
}

func TestRunOnceRefusesBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxWaitMS = 1000 })
	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"no language", map[string]any{"code": "x"}, 422, "property language"},
		{"unknown language", map[string]any{"language": "brainfuck", "code": "x"}, 422, "body.language"},
		{"no code", map[string]any{"language": "python"}, 422, "body.code"},
		{"code and files", map[string]any{"language": "python", "code": "x", "files": []map[string]any{{"name": "a.py", "content": "x"}}}, 422, "body.files"},
		{"wait above max", map[string]any{"language": "python", "code": "x", "wait_ms": 1001}, 422, "body.wait_ms"},
		{"negative wait", map[string]any{"language": "python", "code": "x", "wait_ms": -1}, 422, "body.wait_ms"},
		{"limit above max", map[string]any{"language": "python", "code": "x", "time_limit_ms": 1 << 30}, 422, "body.time_limit_ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do(t, "POST", "/run", tc.body).want(t, tc.status)
			if !strings.Contains(strings.Join(r.locations(), ","), tc.field) && !strings.Contains(string(r.raw), tc.field) {
				t.Errorf("locations %v, want %s; body %s", r.locations(), tc.field, r.raw)
			}
		})
	}
	if d, err := b.queue.Depth(context.Background()); err != nil || d != 0 {
		t.Errorf("queue depth %d (%v) after refusals, want 0", d, err)
	}
}

// The API's description documents both answers of POST /run.
func TestRunOnceDocumented(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.do(t, "GET", "/openapi.json", nil).want(t, http.StatusOK)
	paths, _ := doc.body["paths"].(map[string]any)
	run, _ := paths["/run"].(map[string]any)
	post, _ := run["post"].(map[string]any)
	responses, _ := post["responses"].(map[string]any)
	for _, code := range []string{"200", "202", "422", "429"} {
		if _, ok := responses[code]; !ok {
			t.Errorf("POST /run documents no %s: %v", code, keysOf(responses))
		}
	}
}

// One-call runs count against the API key's quota like every run, and their idempotency keys
// are the key's own.
func TestRunOnceQuotaAndKeyScope(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys, func(c *api.Config, _ *api.Deps) { c.QuotaMaxActive = 1 })
	body := map[string]any{"language": "python", "code": "print(1)", "wait_ms": 0}
	b.do(t, "POST", "/run", body, append(bearer(aliceKey), "Idempotency-Key", "same")...).want(t, http.StatusAccepted)
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(2)", "wait_ms": 0}, bearer(aliceKey)...)
	r.want(t, http.StatusTooManyRequests)
	// bob's "same" is not alice's.
	bob := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(3)", "wait_ms": 0},
		append(bearer(bobKey), "Idempotency-Key", "same")...).want(t, http.StatusAccepted)
	if got := b.do(t, "GET", "/executions/"+bob.str("execution_id"), nil, bearer(aliceKey)...); got.status != http.StatusNotFound {
		t.Errorf("alice reads bob's one-call run: %d", got.status)
	}
}
