// Two clients, one session: ETag on session answers, If-Match on autosave, 412 with the current session.

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"livecode/internal/api"
)

func TestSessionETag(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.CORSOrigins = "https://app.example" })

	created := b.do(t, "POST", "/code-sessions", map[string]any{"source_code": "v1"}).want(t, http.StatusCreated)
	id := created.str("session_id")
	tag := created.header.Get("ETag")
	if tag != `"1"` {
		t.Fatalf("ETag of a new session = %q, want the strong, quoted \"1\"", tag)
	}
	if got := b.do(t, "GET", "/code-sessions/"+id, nil).want(t, http.StatusOK).header.Get("ETag"); got != tag {
		t.Errorf("GET ETag = %q, want %q", got, tag)
	}

	// Tab A saves over the version it read: accepted, with the new version.
	a := b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "tab A"}, "If-Match", tag).want(t, http.StatusOK)
	tagA := a.header.Get("ETag")
	if tagA == "" || tagA == tag {
		t.Fatalf("ETag after a save = %q, want a new one (was %q)", tagA, tag)
	}

	// Tab B still edits the first version: 412, told what tab A saved, nothing overwritten.
	stale := b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "tab B"}, "If-Match", tag).want(t, http.StatusPreconditionFailed)
	if ct := stale.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("412 Content-Type = %q, want a problem document", ct)
	}
	current, _ := stale.body["session"].(map[string]any)
	if current["source_code"] != "tab A" || current["session_id"] != id {
		t.Errorf("412 session = %v, want the session as tab A saved it", current)
	}
	if got := stale.header.Get("ETag"); got != tagA {
		t.Errorf("412 ETag = %q, want the current version %q", got, tagA)
	}
	if got := b.do(t, "GET", "/code-sessions/"+id, nil).str("source_code"); got != "tab A" {
		t.Errorf("code after the refused save = %q, want tab A's", got)
	}

	// Tab B chooses to overwrite: it saves again with the version the 412 gave it.
	b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "tab B"}, "If-Match", tagA).want(t, http.StatusOK)

	// Clients that send no If-Match (or *) keep last-write-wins.
	b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "plain"}).want(t, http.StatusOK)
	last := b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "star"}, "If-Match", "*").want(t, http.StatusOK)

	// A weak or foreign tag never matches; a malformed header or a list is a 400 naming it.
	for _, h := range []string{`W/` + last.header.Get("ETag"), `"abc"`, `"0"`} {
		b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "x"}, "If-Match", h).want(t, http.StatusPreconditionFailed)
	}
	for _, h := range []string{`3`, `"1", "2"`, `"a b"`} {
		r := b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "x"}, "If-Match", h).want(t, http.StatusBadRequest)
		if locs := r.locations(); len(locs) != 1 || locs[0] != "header.If-Match" {
			t.Errorf("If-Match %s: error locations %v, want header.If-Match", h, locs)
		}
	}

	// Closing changes the version; an edit of a closed session stays a 409 whatever it names.
	closed := b.do(t, "DELETE", "/code-sessions/"+id, nil).want(t, http.StatusOK)
	b.do(t, "PATCH", "/code-sessions/"+id, map[string]any{"source_code": "x"}, "If-Match", closed.header.Get("ETag")).want(t, http.StatusConflict)

	// A browser app on an allowed origin can read the ETag.
	cors := b.do(t, "GET", "/code-sessions/"+id, nil, "Origin", "https://app.example")
	if exposed := cors.header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "ETag") {
		t.Errorf("Access-Control-Expose-Headers = %q, want ETag in it", exposed)
	}
}
