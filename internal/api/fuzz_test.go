// Fuzzing of the request decoders: no body, however malformed, gets a 5xx.

package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
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
		`{"language":"python","files":[{"name":"a.py","content":"x"}],"wait_ms":1e20}`,
		`{"language":"py","version":"3.x","files":[{"content":"zz","encoding":"hex"}],"run_timeout":-2}`,
		`{"language_id":"71","source_code":"x","cpu_time_limit":1e308,"memory_limit":-0}`, `{"language_id":[71]}`,
		`{"submissions":[{},null,{"language_id":71,"source_code":"x"}]}`,
	} {
		for op := range uint8(8) {
			f.Add(op, []byte(seed))
		}
	}
	b := setup(f, func(c *api.Config, d *api.Deps) {
		c.MaxActivePerSession, c.RunRateLimit, c.QueueCapacity, c.MaxBodyBytes = 0, 0, 1<<30, 1<<16
		c.MaxWaitMS = 1 // nothing runs the jobs: one-call runs answer at once
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
		{"POST", "/run"},
		{"POST", "/piston/api/v2/execute"},
		{"POST", "/judge0/submissions"},
		{"POST", "/judge0/submissions/batch"},
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
		// Piston's execute is synchronous: a run nobody runs outlasts MAX_WAIT_MS (504).
		if rec.Code >= 500 && !(rec.Code == http.StatusGatewayTimeout && strings.HasPrefix(o.path, "/piston/")) {
			t.Fatalf("%s %s %q: status %d: %s", o.method, o.path, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s %q: invalid JSON answer %q", o.method, o.path, body, rec.Body)
		}
		compat := strings.HasPrefix(o.path, "/piston/") || strings.HasPrefix(o.path, "/judge0/")
		if rec.Code >= 400 && !compat && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %s %q: %d with Content-Type %q", o.method, o.path, body, rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Code == http.StatusAccepted && o.path == "/executions" && !bytes.Contains(rec.Body.Bytes(), []byte("executionId")) {
			t.Fatalf("202 without executionId: %s", rec.Body)
		}
	})
}
