// Authentication, ownership and per-key quotas through the HTTP API.

package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/config"
	"livecode/internal/execution"
	"livecode/internal/stream/memstream"
	"livecode/internal/testsvc"
)

const (
	aliceKey = "alice-secret-0123456789"
	bobKey   = "bob-secret-0123456789ab"
)

// withKeys turns authentication on with the keys alice and bob, and live events on.
func withKeys(c *api.Config, d *api.Deps) {
	c.APIKeys = "alice:" + aliceKey + ",bob:" + bobKey
	c.Keys = []config.APIKey{{Name: "alice", Secret: aliceKey}, {Name: "bob", Secret: bobKey}}
	d.Metrics = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("# metrics\n")) })
	d.Broker = memstream.New(memstream.Config{})
}

func bearer(key string) []string { return []string{"Authorization", "Bearer " + key} }

// ownSession creates a session as key.
func (b *bundle) ownSession(t *testing.T, key string) string {
	t.Helper()
	r := b.do(t, "POST", "/code-sessions", map[string]any{"language": "python", "source_code": "print(1)"}, bearer(key)...)
	return r.want(t, http.StatusCreated).str("session_id")
}

// ownRun queues a run of a session as key and returns the response.
func (b *bundle) ownRun(t *testing.T, key, sessionID string) response {
	t.Helper()
	return b.do(t, "POST", "/code-sessions/"+sessionID+"/run", nil, bearer(key)...)
}

func TestAuthRefusesWithoutAValidKey(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	sid := b.ownSession(t, aliceKey)
	tests := []struct {
		name    string
		path    string
		headers []string
		detail  string
	}{
		{"missing", "/code-sessions/" + sid, nil, "required"},
		{"wrong bearer", "/code-sessions/" + sid, bearer("not-a-key-0123456789"), "not valid"},
		{"wrong X-API-Key", "/code-sessions/" + sid, []string{"X-API-Key", "not-a-key-0123456789"}, "not valid"},
		{"basic scheme", "/code-sessions/" + sid, []string{"Authorization", "Basic " + aliceKey}, "Bearer"},
		{"empty bearer", "/code-sessions/" + sid, []string{"Authorization", "Bearer "}, "Bearer"},
		{"no scheme", "/code-sessions/" + sid, []string{"Authorization", aliceKey}, "Bearer"},
		{"access_token on a non-stream", "/code-sessions/" + sid + "?access_token=" + aliceKey, nil, "required"},
		{"languages", "/languages", nil, "required"},
		{"unknown path", "/nowhere", nil, "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, "GET", tt.path, nil, tt.headers...).want(t, http.StatusUnauthorized)
			if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want Bearer", got)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if !strings.Contains(r.str("detail"), tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", r.str("detail"), tt.detail)
			}
		})
	}
	b.do(t, "POST", "/code-sessions", map[string]any{}).want(t, http.StatusUnauthorized)
}

func TestAuthAcceptsBothHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	sid := b.ownSession(t, aliceKey)
	b.do(t, "GET", "/code-sessions/"+sid, nil, "X-API-Key", aliceKey).want(t, http.StatusOK)
	b.do(t, "GET", "/code-sessions/"+sid, nil, "Authorization", "bearer "+aliceKey).want(t, http.StatusOK)
}

func TestAuthOpenEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json", "/api", "/api/"} {
		t.Run(path, func(t *testing.T) {
			b.do(t, "GET", path, nil).want(t, http.StatusOK)
		})
	}
	doc := b.do(t, "GET", "/openapi.json", nil).want(t, http.StatusOK)
	raw := string(doc.raw)
	for _, want := range []string{`"apiKey":{`, `"X-API-Key"`, `"access_token"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("OpenAPI document lacks %s", want)
		}
	}
	ops := doc.body["paths"].(map[string]any)["/code-sessions"].(map[string]any)["post"].(map[string]any)
	if _, ok := ops["security"]; !ok {
		t.Errorf("create-session declares no security")
	}
	health := doc.body["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)
	if _, ok := health["security"]; ok {
		t.Errorf("/healthz declares security; it is open")
	}
}

// Another key's session or execution is 404 on every route, exactly like an unknown id.
func TestAuthOtherKeysThingsAreNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	b.work(t)
	sid := b.ownSession(t, aliceKey)
	eid := b.ownRun(t, aliceKey, sid).want(t, http.StatusAccepted).body["execution_id"].(string)
	b.waitTerminalAs(t, aliceKey, eid)
	tests := []struct {
		method, path string
		body         any
	}{
		{"GET", "/code-sessions/" + sid, nil},
		{"PATCH", "/code-sessions/" + sid, map[string]any{"source_code": "x"}},
		{"DELETE", "/code-sessions/" + sid, nil},
		{"POST", "/code-sessions/" + sid + "/run", nil},
		{"GET", "/code-sessions/" + sid + "/executions", nil},
		{"GET", "/code-sessions/" + sid + "/events", nil},
		{"POST", "/executions", map[string]any{"sessionId": sid, "code": "print(2)"}},
		{"POST", "/executions", map[string]any{"sessionId": sid}},
		{"GET", "/executions/" + eid, nil},
		{"POST", "/executions/" + eid + "/cancel", nil},
		{"GET", "/executions/" + eid + "/events", nil},
		{"GET", "/executions/" + eid + "/ws", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := b.do(t, tt.method, tt.path, tt.body, bearer(bobKey)...).want(t, http.StatusNotFound)
			if strings.Contains(string(r.raw), "alice") {
				t.Errorf("404 names the owner: %s", r.raw)
			}
		})
	}
	// Nothing bob tried changed alice's session.
	r := b.do(t, "GET", "/code-sessions/"+sid, nil, bearer(aliceKey)...).want(t, http.StatusOK)
	if r.str("status") != "ACTIVE" || r.str("source_code") != "print(1)" {
		t.Errorf("alice's session after bob: status %s code %q", r.str("status"), r.str("source_code"))
	}
	list := b.do(t, "GET", "/code-sessions/"+sid+"/executions", nil, bearer(aliceKey)...).want(t, http.StatusOK)
	if n := len(list.body["executions"].([]any)); n != 1 {
		t.Errorf("alice's session has %d executions, want 1", n)
	}
}

// waitTerminalAs polls an execution with key until it is terminal.
func (b *bundle) waitTerminalAs(t *testing.T, key, id string) {
	t.Helper()
	testsvc.Eventually(t, 10*time.Second, "execution "+id+" terminal", func() bool {
		r := b.do(t, "GET", "/executions/"+id, nil, bearer(key)...).want(t, http.StatusOK)
		return execution.Status(r.str("status")).Terminal()
	})
}

func TestAuthAccessTokenOnStreams(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	b.work(t)
	sid := b.ownSession(t, aliceKey)
	eid := b.ownRun(t, aliceKey, sid).want(t, http.StatusAccepted).body["execution_id"].(string)
	b.waitTerminalAs(t, aliceKey, eid)
	r := b.do(t, "GET", "/executions/"+eid+"/events?access_token="+aliceKey, nil).want(t, http.StatusOK)
	if !strings.Contains(string(r.raw), "event: result") {
		t.Errorf("stream lacks its result event: %s", r.raw)
	}
	b.do(t, "GET", "/executions/"+eid+"/events?access_token="+bobKey, nil).want(t, http.StatusNotFound)
	b.do(t, "GET", "/executions/"+eid+"/events?access_token=wrong-wrong-wrong-wrong", nil).want(t, http.StatusUnauthorized)
}

func TestQuotaPerKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opt      option
		runs     int // allowed before the 429
		mention  string
		retryMin int
	}{
		{"active", func(c *api.Config, d *api.Deps) { c.QuotaMaxActive = 2 }, 2, "QUOTA_MAX_ACTIVE", 0},
		{"rate", func(c *api.Config, d *api.Deps) { c.QuotaRunRateLimit = 3; c.QuotaRunRateWindow = time.Hour }, 3, "QUOTA_RUN_RATE_LIMIT", 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, withKeys, tt.opt, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit = 0, 0 })
			for range tt.runs {
				b.ownRun(t, aliceKey, b.ownSession(t, aliceKey)).want(t, http.StatusAccepted)
			}
			r := b.ownRun(t, aliceKey, b.ownSession(t, aliceKey)).want(t, http.StatusTooManyRequests)
			if !strings.Contains(r.str("detail"), tt.mention) || !strings.Contains(r.str("detail"), "quota") {
				t.Errorf("detail = %q, want the quota %s named", r.str("detail"), tt.mention)
			}
			if r.header.Get("Retry-After") == "" {
				t.Errorf("no Retry-After")
			}
			if secs, _ := r.body["retry_after_seconds"].(float64); int(secs) < tt.retryMin {
				t.Errorf("retry_after_seconds = %v, want at least %d", secs, tt.retryMin)
			}
			// Another key has its own quota.
			b.ownRun(t, bobKey, b.ownSession(t, bobKey)).want(t, http.StatusAccepted)
		})
	}
}

// With authentication off the quotas do not apply: everything belongs to nobody.
func TestQuotaOffWithoutKeys(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) {
		c.QuotaMaxActive, c.QuotaRunRateLimit, c.MaxActivePerSession = 1, 1, 0
	})
	for range 3 {
		b.do(t, "POST", "/code-sessions/"+b.newSession(t, "x")+"/run", nil).want(t, http.StatusAccepted)
	}
}

func TestAPIKeysConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keys string
		ok   bool
	}{
		{"", true},
		{"alice:" + aliceKey, true},
		{"alice:" + aliceKey + ", bob:" + bobKey, true},
		{"alice:short", false},
		{"Alice:" + aliceKey, false},
		{"alice " + aliceKey, false},
		{":" + aliceKey, false},
		{"alice:" + aliceKey + ",alice:" + bobKey, false},
		{"alice:" + aliceKey + ",bob:" + aliceKey, false},
		{"alice:has space in it 0123", false},
	}
	for _, tt := range tests {
		_, err := config.Load(func(k string) string {
			if k == "API_KEYS" {
				return tt.keys
			}
			return ""
		})
		if (err == nil) != tt.ok {
			t.Errorf("API_KEYS=%q: err = %v, want ok=%v", tt.keys, err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), aliceKey) {
			t.Errorf("error reveals a secret: %v", err)
		}
	}
}
