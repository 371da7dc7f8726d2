// Tests of the input bounds: each accepted at its bound, refused one past it with the field named.

package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"livecode/internal/api"
)

func TestInputBounds(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) {
		c.MaxActivePerSession, c.RunRateLimit = 0, 0
		c.MaxBodyBytes, c.MaxCodeBytes, c.MaxStdinBytes = 64<<10, 1000, 500
		c.MaxArgs, c.MaxArgBytes, c.MaxArgsBytes, c.MaxFiles = 4, 100, 250, 3
	})
	sid := b.newSession(t, "print(1)")
	x := func(n int) string { return strings.Repeat("x", n) }
	args := func(a ...string) map[string]any { return map[string]any{"args": a} }
	files := func(n, size int) map[string]any {
		f := make([]map[string]any, n)
		for i := range f {
			f[i] = map[string]any{"name": fmt.Sprintf("f%d.py", i), "content": x(size)}
		}
		return map[string]any{"files": f}
	}
	tests := []struct {
		name     string
		ok, past map[string]any // a body at the bound, and one just past it
		status   int            // of past
		location string
	}{
		{"argument count", args("a", "b", "c", "d"), args("a", "b", "c", "d", "e"), 422, "body.args"},
		{"argument length", args(x(100)), args(x(50), x(101)), 422, "body.args[1]"},
		{"arguments total", args(x(100), x(100), x(50)), args(x(100), x(100), x(51)), 413, "body.args"},
		{"file count", files(3, 1), files(4, 1), 422, "body.files"},
		{"files total", files(2, 500), files(2, 501), 413, "body.files[1].content"},
		{"stdin", map[string]any{"stdin": x(500)}, map[string]any{"stdin": x(501)}, 413, "body.stdin"},
		{"file name length", map[string]any{"files": []any{map[string]any{"name": x(255), "content": "1"}}},
			map[string]any{"files": []any{map[string]any{"name": x(256), "content": "1"}}}, 422, "body.files[0].name"},
	}
	for _, tt := range tests {
		for _, ep := range []struct{ name, path string }{{"run", "/code-sessions/" + sid + "/run"}, {"executions", "/executions"}} {
			t.Run(tt.name+"/"+ep.name, func(t *testing.T) {
				ok, past := tt.ok, tt.past
				if ep.name == "executions" {
					ok, past = withSession(ok, sid), withSession(past, sid)
				}
				b.do(t, "POST", ep.path, ok).want(t, http.StatusAccepted)
				r := b.do(t, "POST", ep.path, past).want(t, tt.status)
				wantProblem(t, r, tt.status, tt.location)
			})
		}
	}
}

func TestCodeBounds(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit, c.MaxCodeBytes = 0, 0, 1000 })
	sid := b.newSession(t, "print(1)")
	x := strings.Repeat("x", 1000)
	tests := []struct {
		name, method, path, field string
		extra                     map[string]any
		status                    int
	}{
		{"create", "POST", "/code-sessions", "source_code", nil, http.StatusCreated},
		{"patch", "PATCH", "/code-sessions/" + sid, "source_code", nil, http.StatusOK},
		{"submit", "POST", "/executions", "code", map[string]any{"sessionId": sid}, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := func(code string) map[string]any {
				m := map[string]any{tt.field: code}
				for k, v := range tt.extra {
					m[k] = v
				}
				return m
			}
			b.do(t, tt.method, tt.path, body(x)).want(t, tt.status)
			r := b.do(t, tt.method, tt.path, body(x+"y")).want(t, http.StatusRequestEntityTooLarge)
			wantProblem(t, r, http.StatusRequestEntityTooLarge, "body."+tt.field)
		})
	}
}

// TestFixedBounds covers the bounds that are not configurable: a language id, a session id, an
// Idempotency-Key.
func TestFixedBounds(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit = 0, 0 })
	sid := b.newSession(t, "print(1)")
	run := "/code-sessions/" + sid + "/run"
	b.do(t, "POST", run, nil, "Idempotency-Key", strings.Repeat("k", 255)).want(t, http.StatusAccepted)
	for _, tt := range []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		location           string
	}{
		{"idempotency key", "POST", run, nil, []string{"Idempotency-Key", strings.Repeat("k", 256)}, 422, "header.Idempotency-Key"},
		{"language on create", "POST", "/code-sessions", map[string]any{"language": strings.Repeat("p", 65)}, nil, 422, "body.language"},
		{"language on patch", "PATCH", "/code-sessions/" + sid, map[string]any{"language": strings.Repeat("p", 65)}, nil, 422, "body.language"},
		{"language on submit", "POST", "/executions", map[string]any{"sessionId": sid, "language": strings.Repeat("p", 65)}, nil, 422, "body.language"},
		{"session id on submit", "POST", "/executions", map[string]any{"sessionId": strings.Repeat("s", 65)}, nil, 422, "body.sessionId"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, tt.method, tt.path, tt.body, tt.headers...).want(t, tt.status)
			wantProblem(t, r, tt.status, tt.location)
		})
	}
}

func withSession(body map[string]any, sid string) map[string]any {
	m := map[string]any{"sessionId": sid}
	for k, v := range body {
		m[k] = v
	}
	return m
}

// wantProblem checks that r is a problem document of status naming location.
func wantProblem(t *testing.T, r response, status int, location string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	if r.body["status"] != float64(status) {
		t.Errorf("problem status = %v, want %d; body %s", r.body["status"], status, r.raw)
	}
	if !slices.Contains(r.locations(), location) {
		t.Errorf("locations = %v, want %q; body %s", r.locations(), location, r.raw)
	}
}
