// Tests of bad input: every kind is a 4xx problem document naming the field at fault.

package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"livecode/internal/api"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxBodyBytes, c.MaxCodeBytes, c.MaxStdinBytes = 4096, 1024, 512 })
	sid := b.newSession(t, "print(1)")
	sess, run := "/code-sessions/"+sid, "/code-sessions/"+sid+"/run"
	big := strings.Repeat("x", 2000)

	tests := []struct {
		name         string
		method, path string
		body         any
		headers      []string
		status       int
		location     string // expected in errors[].location; empty: not checked
	}{
		{"malformed JSON", "PATCH", sess, `{"source_code": "x"`, nil, 400, "body"},
		{"not an object", "PATCH", sess, `[1,2]`, nil, 422, "body"},
		{"wrong type", "PATCH", sess, map[string]any{"source_code": 5}, nil, 422, "body.source_code"},
		{"wrong type in run", "POST", run, map[string]any{"time_limit_ms": "fast"}, nil, 422, "body.time_limit_ms"},
		{"unknown property", "PATCH", sess, map[string]any{"sauce": "x"}, nil, 422, "body.sauce"},
		{"an alias", "PATCH", sess, map[string]any{"source_code": "a", "code": "b"}, nil, 422, "body.code"},
		{"unknown language on create", "POST", "/code-sessions", map[string]any{"language": "brainfuck"}, nil, 422, "body.language"},
		{"unknown language on autosave", "PATCH", sess, map[string]any{"language": "brainfuck"}, nil, 422, "body.language"},
		{"unavailable language", "POST", "/code-sessions", map[string]any{"language": "cobol"}, nil, 422, "body.language"},
		{"unknown language on submit", "POST", "/executions", map[string]any{"sessionId": sid, "language": "x", "code": "1"}, nil, 422, "body.language"},
		{"unknown session", "GET", "/code-sessions/0190c1a0-0000-7000-8000-000000000000", nil, nil, 404, "path.id"},
		{"malformed session id", "GET", "/code-sessions/%00%ff", nil, nil, 404, "path.id"},
		{"unknown session autosave", "PATCH", "/code-sessions/nope", map[string]any{"source_code": "1"}, nil, 404, "path.id"},
		{"unknown session close", "DELETE", "/code-sessions/nope", nil, nil, 404, "path.id"},
		{"unknown session run", "POST", "/code-sessions/nope/run", nil, nil, 404, "path.id"},
		{"unknown session list", "GET", "/code-sessions/nope/executions", nil, nil, 404, "path.id"},
		{"unknown session submit", "POST", "/executions", map[string]any{"sessionId": "nope", "code": "1"}, nil, 404, "body.sessionId"},
		{"missing session submit", "POST", "/executions", map[string]any{"code": "1"}, nil, 422, "body"},
		{"unknown execution", "GET", "/executions/nope", nil, nil, 404, "path.id"},
		{"overlong id", "GET", "/executions/" + strings.Repeat("a", 65), nil, nil, 404, "path.id"},
		{"unknown endpoint", "GET", "/nope", nil, nil, 404, ""},
		{"body too large", "PATCH", sess, map[string]any{"source_code": strings.Repeat("x", 5000)}, nil, 413, ""},
		{"code too large", "PATCH", sess, map[string]any{"source_code": big}, nil, 413, "body.source_code"},
		{"code too large on create", "POST", "/code-sessions", map[string]any{"source_code": big}, nil, 413, "body.source_code"},
		{"code too large on submit", "POST", "/executions", map[string]any{"sessionId": sid, "code": big}, nil, 413, "body.code"},
		{"stdin too large", "POST", run, map[string]any{"stdin": strings.Repeat("x", 600)}, nil, 413, "body.stdin"},
		{"time limit above maximum", "POST", run, map[string]any{"time_limit_ms": 30001}, nil, 422, "body.time_limit_ms"},
		{"memory limit above maximum", "POST", run, map[string]any{"memory_limit_mb": 1 << 20}, nil, 422, "body.memory_limit_mb"},
		{"processes above maximum", "POST", "/executions", map[string]any{"sessionId": sid, "max_processes": 257}, nil, 422, "body.max_processes"},
		{"output limit above maximum", "POST", run, map[string]any{"output_limit_bytes": 1 << 30}, nil, 422, "body.output_limit_bytes"},
		{"limit below one", "POST", run, map[string]any{"time_limit_ms": 0}, nil, 422, "body.time_limit_ms"},
		{"huge number", "POST", run, `{"time_limit_ms": 1e400}`, nil, 400, "body"},
		{"integer overflow", "POST", run, `{"time_limit_ms": 1e30}`, nil, 422, ""},
		{"fraction", "POST", run, `{"time_limit_ms": 1.5}`, nil, 422, "body.time_limit_ms"},
		{"NUL in args", "POST", run, map[string]any{"args": []string{"a\x00b"}}, nil, 422, "body.args[0]"},
		{"bad page size", "GET", sess + "/executions?limit=1000", nil, nil, 422, "query.limit"},
		{"bad cursor", "GET", sess + "/executions?cursor=zzzz", nil, nil, 400, "query.cursor"},
		{"bad idempotency key", "POST", run, nil, []string{"Idempotency-Key", "k\u00e9y"}, 400, "header.Idempotency-Key"},
		{"empty body on autosave", "PATCH", sess, nil, nil, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, tt.method, tt.path, tt.body, tt.headers...).want(t, tt.status)
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q, want application/problem+json", ct)
			}
			if r.body["status"] != float64(tt.status) || r.str("title") == "" {
				t.Errorf("problem = %s", r.raw)
			}
			if tt.location != "" && !slices.Contains(r.locations(), tt.location) {
				t.Errorf("locations = %v, want %q; body %s", r.locations(), tt.location, r.raw)
			}
		})
	}
}

// TestOneNamePerField: the native routes take each field under its snake_case name only, and
// POST /executions takes the original design's names only, so a generated client has one field
// per name.
func TestOneNamePerField(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit = 0, 0 })
	sid := b.newSession(t, "")
	for _, tt := range []struct {
		method, path string
		body         map[string]any
	}{
		{"POST", "/code-sessions", map[string]any{"template_code": "x"}},
		{"POST", "/code-sessions", map[string]any{"sourceCode": "x"}},
		{"PATCH", "/code-sessions/" + sid, map[string]any{"sourceCode": "x"}},
		{"PATCH", "/code-sessions/" + sid, map[string]any{"code": "x"}},
		{"POST", "/executions", map[string]any{"sessionId": sid, "source_code": "x"}},
		{"POST", "/executions", map[string]any{"sessionId": sid, "session_id": sid}},
	} {
		r := b.do(t, tt.method, tt.path, tt.body).want(t, http.StatusUnprocessableEntity)
		if len(r.locations()) == 0 {
			t.Errorf("%s %s %v: 422 without a location: %s", tt.method, tt.path, tt.body, r.raw)
		}
	}
	b.do(t, "PATCH", "/code-sessions/"+sid, map[string]any{"source_code": "a", "language": "javascript"}).want(t, http.StatusOK)
	if r := b.do(t, "GET", "/code-sessions/"+sid, nil); r.str("source_code") != "a" || r.str("language") != "javascript" {
		t.Errorf("session = %s", r.raw)
	}
	r := b.do(t, "POST", "/executions", map[string]any{"sessionId": sid, "code": "c", "language": "python"}).want(t, http.StatusAccepted)
	if e := b.do(t, "GET", "/executions/"+r.str("executionId"), nil).want(t, http.StatusOK); e.str("session_id") != sid {
		t.Errorf("execution = %s", e.raw)
	}
	if r := b.do(t, "GET", "/code-sessions/"+sid, nil); r.str("source_code") != "c" || r.str("language") != "python" {
		t.Errorf("session after submit = %s", r.raw)
	}
}
