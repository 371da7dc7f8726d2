// Fuzzing of the request decoders: no body, however malformed, gets a 5xx.
package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"livecode/internal/api"
	"livecode/internal/queue/memqueue"
)

func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"source_code":"print(1)"}`, `{"code":5}`, `{"language":"python","code":"x"}`,
		`{"session_id":"x","sessionId":"y"}`, `{"time_limit_ms":1e30}`, `{"time_limit_ms":-1}`, `{"args":["a",null]}`,
		`{"stdin":"\u0000"}`, `{"source_code":"\ud800"}`, `{"language":null}`, `{"a":{"b":{"c":[[[[]]]]}}}`, "\xff\xfe",
		`{"max_processes":9223372036854775808}`, `{"output_limit_bytes":1.5}`, `{"session_id":"` + "\x00" + `"}`,
	} {
		for op := range uint8(4) {
			f.Add(op, []byte(seed))
		}
	}
	b := setup(f, func(c *api.Config, d *api.Deps) {
		c.MaxActivePerSession, c.RunRateLimit, c.QueueCapacity, c.MaxBodyBytes = 0, 0, 1<<30, 1<<16
		d.Queue = memqueue.New(memqueue.Config{Capacity: 1 << 30})
	})
	sid := b.newSession(f, "print(1)")
	h := api.New(api.Deps{Store: b.store, Queue: b.queue, Languages: testLanguages()},
		api.Config{Config: b.cfg.Config, Version: "fuzz"})
	ops := []struct{ method, path string }{
		{"PATCH", "/code-sessions/" + sid},
		{"POST", "/code-sessions"},
		{"POST", "/code-sessions/" + sid + "/run"},
		{"POST", "/executions"},
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		o := ops[int(op)%len(ops)]
		// POST /executions mostly needs the real session to get past the lookup.
		if o.path == "/executions" && bytes.Contains(body, []byte("SID")) {
			body = bytes.ReplaceAll(body, []byte("SID"), []byte(sid))
		}
		req := httptest.NewRequest(o.method, o.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", o.method, o.path, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s %q: invalid JSON answer %q", o.method, o.path, body, rec.Body)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %s %q: %d with Content-Type %q", o.method, o.path, body, rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Code == http.StatusAccepted && o.path == "/executions" && !bytes.Contains(rec.Body.Bytes(), []byte("executionId")) {
			t.Fatalf("202 without executionId: %s", rec.Body)
		}
	})
}
