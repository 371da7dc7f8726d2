// Tests of the HTTP conventions: 405 with Allow, request ids, 413 on a declared length.

package api_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"livecode/internal/api"
)

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.newSession(t, "print(1)")
	cases := []struct {
		method, path, allow string
	}{
		{http.MethodPut, "/code-sessions/" + sid, "GET, HEAD, PATCH, DELETE"},
		{http.MethodDelete, "/languages", "GET, HEAD"},
		{http.MethodGet, "/code-sessions/" + sid + "/run", "POST"},
		{http.MethodPost, "/healthz", "GET, HEAD"},
	}
	for _, c := range cases {
		r := b.do(t, c.method, c.path, nil).want(t, http.StatusMethodNotAllowed)
		if got := r.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow = %q, want %q", c.method, c.path, got, c.allow)
		}
		if r.str("request_id") == "" {
			t.Errorf("%s %s: problem without request_id: %s", c.method, c.path, r.raw)
		}
	}
	if r := b.do(t, http.MethodGet, "/no/such/path", nil).want(t, http.StatusNotFound); r.header.Get("Allow") != "" {
		t.Errorf("404 carries Allow %q", r.header.Get("Allow"))
	}
}

// recordLog keeps the log records it handles.
type recordLog struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *recordLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordLog) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *recordLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordLog) WithGroup(string) slog.Handler      { return h }

func (h *recordLog) requestIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []string
	for _, r := range h.recs {
		id := ""
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "request_id" {
				id = a.Value.String()
			}
			return true
		})
		ids = append(ids, id)
	}
	return ids
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	logs := &recordLog{}
	b := setup(t, func(_ *api.Config, d *api.Deps) { d.Logger = slog.New(logs) })

	// A well-formed id is echoed, in the header and in the problem document.
	r := b.do(t, http.MethodGet, "/code-sessions/00000000-0000-0000-0000-000000000000", nil, "X-Request-Id", "trace-42.a:b").
		want(t, http.StatusNotFound)
	if got := r.header.Get("X-Request-Id"); got != "trace-42.a:b" {
		t.Errorf("echoed id = %q", got)
	}
	if got := r.str("request_id"); got != "trace-42.a:b" {
		t.Errorf("problem request_id = %q; body %s", got, r.raw)
	}
	// Bad ids are replaced by a generated one.
	for _, bad := range []string{strings.Repeat("x", 129), "a b", "é", "a\"b"} {
		r := b.do(t, http.MethodGet, "/healthz", nil, "X-Request-Id", bad).want(t, http.StatusOK)
		if got := r.header.Get("X-Request-Id"); got == bad || len(got) != 36 {
			t.Errorf("id %q: answered %q, want a generated UUID", bad, got)
		}
	}
	// Without one, a fresh id per request.
	a := b.do(t, http.MethodGet, "/healthz", nil).header.Get("X-Request-Id")
	c := b.do(t, http.MethodGet, "/healthz", nil).header.Get("X-Request-Id")
	if a == "" || a == c {
		t.Errorf("generated ids %q, %q: want two different ones", a, c)
	}
	// huma's own problems (validation) carry it too.
	r = b.do(t, http.MethodPost, "/code-sessions", `{"language": 5}`, "X-Request-Id", "bad-body").want(t, http.StatusUnprocessableEntity)
	if got := r.str("request_id"); got != "bad-body" {
		t.Errorf("validation problem request_id = %q; body %s", got, r.raw)
	}
	// Every log line of a request carries its id: a run logs its transition.
	sid := b.newSession(t, "print(1)")
	b.do(t, http.MethodPost, "/code-sessions/"+sid+"/run", map[string]any{}, "X-Request-Id", "run-7").want(t, http.StatusAccepted)
	ids := logs.requestIDs()
	if len(ids) == 0 {
		t.Fatal("no log lines")
	}
	found := false
	for _, id := range ids {
		if id == "" {
			t.Errorf("a request's log line without request_id: %v", ids)
		}
		found = found || id == "run-7"
	}
	if !found {
		t.Errorf("no log line with request_id run-7: %v", ids)
	}
}

func TestDeclaredLengthOverLimit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	limit := b.cfg.MaxBodyBytes
	if limit <= 0 {
		t.Fatal("no body limit configured")
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(b.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The body is never sent: the answer must come while the server waits for it.
	fmt.Fprintf(conn, "POST /code-sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", limit+1)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413; body %s", res.StatusCode, body.String())
	}
	if !strings.Contains(body.String(), "request_id") {
		t.Errorf("413 without request_id: %s", body.String())
	}
	// A body of exactly the limit is not refused for its length.
	ok := b.do(t, http.MethodPost, "/code-sessions", strings.Repeat(" ", limit-2)+"{}")
	if ok.status == http.StatusRequestEntityTooLarge {
		t.Errorf("a body of exactly the limit got 413: %s", ok.raw)
	}
}

func TestMetricsToken(t *testing.T) {
	t.Parallel()
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "up 1\n") })
	open := setup(t, func(_ *api.Config, d *api.Deps) { d.Metrics = metrics })
	open.do(t, http.MethodGet, "/metrics", nil).want(t, http.StatusOK)
	b := setup(t, func(c *api.Config, d *api.Deps) { d.Metrics, c.MetricsToken = metrics, "m-secret" })
	b.do(t, http.MethodGet, "/metrics", nil).want(t, http.StatusUnauthorized)
	b.do(t, http.MethodGet, "/metrics", nil, "Authorization", "Bearer wrong").want(t, http.StatusUnauthorized)
	if r := b.do(t, http.MethodGet, "/metrics", nil, "Authorization", "Bearer m-secret").want(t, http.StatusOK); string(r.raw) != "up 1\n" {
		t.Errorf("metrics body = %q", r.raw)
	}
}
