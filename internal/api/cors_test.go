// Tests of CORS_ORIGINS: preflights, readable answers, and WebSocket origins.

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"livecode/internal/api"
)

const appOrigin = "https://app.example.com"

func withOrigins(c *api.Config, d *api.Deps) {
	withKeys(c, d)
	c.CORSOrigins = appOrigin + ", http://localhost:5173"
}

func TestCORSPreflightAndExposedHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, withOrigins)

	// A preflight needs no key: the browser sends none with it.
	pre := b.do(t, "OPTIONS", "/code-sessions", nil, "Origin", appOrigin,
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	pre.want(t, http.StatusNoContent)
	for h, want := range map[string]string{"Access-Control-Allow-Origin": appOrigin, "Access-Control-Allow-Methods": "PATCH",
		"Access-Control-Allow-Headers": "Authorization"} {
		if got := pre.header.Get(h); !strings.Contains(got, want) {
			t.Errorf("preflight %s = %q, want it to include %q", h, got, want)
		}
	}
	if got := pre.header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("Access-Control-Allow-Credentials = %q, want none: the API takes no cookies", got)
	}

	r := b.do(t, "POST", "/code-sessions", map[string]any{"language": "python"},
		append(bearer(aliceKey), "Origin", appOrigin)...).want(t, http.StatusCreated)
	if r.header.Get("Access-Control-Allow-Origin") != appOrigin || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Location") {
		t.Errorf("answer to an allowed origin: allow %q, expose %q", r.header.Get("Access-Control-Allow-Origin"),
			r.header.Get("Access-Control-Expose-Headers"))
	}

	for _, origin := range []string{"https://evil.example.com", "https://app.example.com.evil.net", "http://app.example.com"} {
		r := b.do(t, "GET", "/languages", nil, append(bearer(aliceKey), "Origin", origin)...).want(t, http.StatusOK)
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("origin %s got Access-Control-Allow-Origin %q, want none", origin, got)
		}
		pre := b.do(t, "OPTIONS", "/code-sessions", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
		if pre.status == http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %s = %d allowing %q, want refused", origin, pre.status, pre.header.Get("Access-Control-Allow-Origin"))
		}
	}
}

func TestWebSocketChecksOrigin(t *testing.T) {
	t.Parallel()
	b := setup(t, withOrigins)
	sid := b.ownSession(t, aliceKey)
	eid := b.do(t, "POST", "/code-sessions/"+sid+"/run", map[string]any{}, bearer(aliceKey)...).
		want(t, http.StatusAccepted).str("execution_id")
	url := "ws" + strings.TrimPrefix(b.url, "http") + "/executions/" + eid + "/ws"

	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"", true}, // not a browser
		{appOrigin, true},
		{b.url, true}, // the API's own pages
		{"https://evil.example.com", false},
		{"http://app.example.com", false}, // the scheme is part of the origin
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		h := http.Header{"Authorization": {"Bearer " + aliceKey}}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
		cancel()
		if c != nil {
			c.CloseNow()
		}
		if (err == nil) != tc.ok {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Errorf("origin %q: dial error %v (status %d), want allowed %v", tc.origin, err, status, tc.ok)
		}
	}
}
