// Tests of the whole flow: session, autosave, run, result, listing, and the documentation endpoints.

package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"livecode/internal/api"
)

func TestFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.work(t)

	created := b.do(t, "POST", "/code-sessions", map[string]any{"source_code": "print(1)"}).want(t, http.StatusCreated)
	id := created.str("session_id")
	if got, want := created.header.Get("Location"), "/code-sessions/"+id; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	for k, want := range map[string]string{"status": "ACTIVE", "language": "python", "source_code": "print(1)"} {
		if got := created.str(k); got != want {
			t.Errorf("created %s = %q, want %q", k, got, want)
		}
	}

	saved := b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "print(2)"}).want(t, http.StatusOK)
	if saved.str("session_id") != id || saved.str("status") != "ACTIVE" || saved.str("updated_at") == "" {
		t.Errorf("autosave answer = %s", saved.raw)
	}

	run := b.do(t, "POST", "/code-sessions/"+id+"/run", map[string]any{"stdin": "x", "time_limit_ms": 1000}).want(t, http.StatusAccepted)
	eid := run.str("execution_id")
	if got, want := run.header.Get("Location"), "/executions/"+eid; got != want {
		t.Errorf("run Location = %q, want %q", got, want)
	}
	if run.str("status") != "QUEUED" {
		t.Errorf("run status = %q, want QUEUED", run.str("status"))
	}

	done := b.waitTerminal(t, eid)
	if got, want := done.str("stdout"), "ran: print(2) stdin: x"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if done.str("status") != "COMPLETED" || done.body["exit_code"] != float64(0) || done.body["reason"] != nil {
		t.Errorf("result = %s", done.raw)
	}
	limits, _ := done.body["limits"].(map[string]any)
	if limits["time_limit_ms"] != float64(1000) || limits["memory_limit_mb"] != float64(256) {
		t.Errorf("limits = %v, want time 1000 (request) and memory 256 (default)", limits)
	}
	for _, k := range []string{"execution_id", "session_id", "language", "status", "stdout", "stderr", "output", "exit_code",
		"reason", "execution_time_ms", "cpu_time_ms", "memory_kb", "attempts", "queued_at", "started_at", "finished_at",
		"signal", "compile_output", "limits"} {
		if _, ok := done.body[k]; !ok {
			t.Errorf("execution lacks %q: %s", k, done.raw)
		}
	}

	got := b.do(t, "GET", "/code-sessions/"+id, nil).want(t, http.StatusOK)
	latest, _ := got.body["latest_execution"].(map[string]any)
	if got.str("source_code") != "print(2)" || latest["execution_id"] != eid || latest["status"] != "COMPLETED" {
		t.Errorf("session = %s", got.raw)
	}

	// POST /executions saves the code, then runs it, and answers the original design's shape only.
	sub := b.do(t, "POST", "/executions", map[string]any{"sessionId": id, "language": "python", "code": "print(3)"}).want(t, http.StatusAccepted)
	if sub.str("executionId") == "" || sub.str("status") != "QUEUED" || len(sub.body) != 2 {
		t.Errorf("submit answer = %s, want executionId and status only", sub.raw)
	}
	if r := b.waitTerminal(t, sub.str("executionId")); r.str("stdout") != "ran: print(3) stdin: " {
		t.Errorf("stdout = %q", r.str("stdout"))
	}
	if r := b.do(t, "GET", "/code-sessions/"+id, nil); r.str("source_code") != "print(3)" {
		t.Errorf("POST /executions did not save the code: %s", r.raw)
	}

	closed := b.do(t, "DELETE", "/code-sessions/"+id, nil).want(t, http.StatusOK)
	if closed.str("status") != "CLOSED" {
		t.Errorf("close answer = %s", closed.raw)
	}
}

func TestQueuedExecutionHasNulls(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.newSession(t, "print(1)")
	eid := b.do(t, "POST", "/code-sessions/"+id+"/run", nil).want(t, http.StatusAccepted).str("execution_id")
	r := b.do(t, "GET", "/executions/"+eid, nil).want(t, http.StatusOK)
	for _, k := range []string{"stdout", "stderr", "output", "exit_code", "reason", "started_at", "finished_at", "execution_time_ms", "memory_kb"} {
		if v, ok := r.body[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null", k, v, ok)
		}
	}
	if r.str("status") != "QUEUED" || r.str("queued_at") == "" {
		t.Errorf("execution = %s", r.raw)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit = 0, 0 })
	id := b.newSession(t, "print(1)")
	var want []string
	for range 5 {
		want = append([]string{b.do(t, "POST", "/code-sessions/"+id+"/run", nil).want(t, http.StatusAccepted).str("execution_id")}, want...)
	}
	var got []string
	cursor, pages := "", 0
	for {
		r := b.do(t, "GET", fmt.Sprintf("/code-sessions/%s/executions?limit=2&cursor=%s", id, cursor), nil).want(t, http.StatusOK)
		pages++
		items, _ := r.body["executions"].([]any)
		for _, it := range items {
			got = append(got, it.(map[string]any)["execution_id"].(string))
		}
		next, _ := r.body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("executions = %v, want newest first %v", got, want)
	}
	if pages != 3 {
		t.Errorf("pages = %d, want 3", pages)
	}
}

func TestLanguagesAndHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	langs := b.do(t, "GET", "/languages", nil).want(t, http.StatusOK)
	list, _ := langs.body["languages"].([]any)
	if len(list) != 3 {
		t.Fatalf("languages = %s", langs.raw)
	}
	js := list[1].(map[string]any)
	if js["id"] != "javascript" || js["available"] != true || js["limits"].(map[string]any)["time_limit_ms"] != float64(7000) {
		t.Errorf("javascript = %v", js)
	}
	if r := b.do(t, "GET", "/healthz", nil).want(t, http.StatusOK); r.str("status") != "ok" || r.str("version") != "test" {
		t.Errorf("healthz = %s", r.raw)
	}
	if r := b.do(t, "GET", "/readyz", nil).want(t, http.StatusOK); r.str("database") != "ok" || r.str("queue") != "ok" {
		t.Errorf("readyz = %s", r.raw)
	}
	b.queue.Close()
	r := b.do(t, "GET", "/readyz", nil).want(t, http.StatusServiceUnavailable)
	if r.str("detail") != "queue unreachable" {
		t.Errorf("readyz with the queue closed = %s", r.raw)
	}
}

func TestDocs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	spec := b.do(t, "GET", "/openapi.json", nil).want(t, http.StatusOK)
	if spec.str("openapi") != "3.1.0" {
		t.Errorf("openapi = %q", spec.str("openapi"))
	}
	paths, _ := spec.body["paths"].(map[string]any)
	for _, p := range []string{"/code-sessions", "/code-sessions/{id}", "/code-sessions/{id}/run", "/code-sessions/{id}/executions",
		"/executions", "/executions/{id}", "/languages", "/healthz", "/readyz"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("openapi.json lacks %s", p)
		}
	}
	if _, ok := paths["/admin/jobs/dead"]; ok {
		t.Error("admin endpoints documented without ADMIN_TOKEN")
	}
	page := b.do(t, "GET", "/api", nil).want(t, http.StatusOK)
	if !strings.Contains(string(page.raw), "swagger-ui-bundle.js") || strings.Contains(string(page.raw), "https://") {
		t.Errorf("/api page = %s", page.raw)
	}
	for _, asset := range []string{"/api/swagger-ui-bundle.js", "/api/swagger-ui.css", "/api/init.js"} {
		r := b.do(t, "GET", asset, nil).want(t, http.StatusOK)
		if len(r.raw) < 100 {
			t.Errorf("%s is %d bytes", asset, len(r.raw))
		}
	}
}

func TestSwaggerDisabled(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.SwaggerEnable = false })
	b.do(t, "GET", "/api", nil).want(t, http.StatusNotFound)
	b.do(t, "GET", "/openapi.json", nil).want(t, http.StatusOK)
}
