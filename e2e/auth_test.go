// End-to-end tests of API keys, ownership and per-key quotas through a real `livecode serve`.
package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"livecode/internal/testsvc"
)

const (
	e2eAlice = "alice-e2e-secret-0123456789"
	e2eBob   = "bob-e2e-secret-0123456789ab"
)

// authCall is call with an API key: it sends Authorization: Bearer key when key is not empty.
func authCall(t testing.TB, key, method, url string, body, out any) (int, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, url, raw, err)
		}
	}
	return resp.StatusCode, resp.Header
}

func TestAuthServe(t *testing.T) {
	t.Parallel()
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=2",
		"API_KEYS=alice:"+e2eAlice+",bob:"+e2eBob, "QUOTA_RUN_RATE_LIMIT=2", "QUOTA_RUN_RATE_WINDOW=1h")

	if code, h := authCall(t, "", "POST", p.URL+"/code-sessions", map[string]any{"language": "python"}, nil); code != 401 ||
		!strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("create without a key: %d %v, want 401 with WWW-Authenticate", code, h)
	}
	if code, _ := authCall(t, "", "GET", p.URL+"/openapi.json", nil, nil); code != 200 {
		t.Errorf("/openapi.json without a key: %d, want 200", code)
	}

	newOwned := func(key string) string {
		var s struct {
			ID string `json:"session_id"`
		}
		if code, _ := authCall(t, key, "POST", p.URL+"/code-sessions",
			map[string]any{"language": "python", "source_code": "print('hello ' + input())"}, &s); code != 201 {
			t.Fatalf("create session: %d", code)
		}
		return s.ID
	}
	runOwned := func(key, sid string) (int, map[string]any) {
		var r map[string]any
		code, _ := authCall(t, key, "POST", p.URL+"/code-sessions/"+sid+"/run", map[string]any{"stdin": "keys\n"}, &r)
		return code, r
	}

	sid := newOwned(e2eAlice)
	code, r := runOwned(e2eAlice, sid)
	if code != 202 {
		t.Fatalf("run: %d %v", code, r)
	}
	eid := r["execution_id"].(string)

	var e execution
	testsvc.Eventually(t, 60*time.Second, "execution "+eid+" terminal", func() bool {
		if code, _ := authCall(t, e2eAlice, "GET", p.URL+"/executions/"+eid, nil, &e); code != 200 {
			t.Fatalf("get execution: %d", code)
		}
		return terminal(e.Status)
	})
	if e.Status != "COMPLETED" || e.Stdout != "hello keys\n" {
		t.Fatalf("execution: %+v, want COMPLETED with hello keys", e)
	}

	// A browser's EventSource sends the key as ?access_token=.
	resp, err := client.Get(p.URL + "/executions/" + eid + "/events?access_token=" + e2eAlice)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "event: result") {
		t.Errorf("events with access_token: %d %q", resp.StatusCode, body)
	}

	// Bob sees nothing of Alice's.
	for _, c := range []struct{ method, path string }{
		{"GET", "/code-sessions/" + sid},
		{"GET", "/executions/" + eid},
		{"POST", "/code-sessions/" + sid + "/run"},
		{"GET", "/code-sessions/" + sid + "/executions"},
	} {
		if code, _ := authCall(t, e2eBob, c.method, p.URL+c.path, nil, nil); code != 404 {
			t.Errorf("bob %s %s: %d, want 404", c.method, c.path, code)
		}
	}

	// QUOTA_RUN_RATE_LIMIT=2: Alice's second run passes (on another session), her third is 429.
	if code, r := runOwned(e2eAlice, newOwned(e2eAlice)); code != 202 {
		t.Fatalf("second run: %d %v", code, r)
	}
	var prob map[string]any
	code, h := authCall(t, e2eAlice, "POST", p.URL+"/code-sessions/"+newOwned(e2eAlice)+"/run", nil, &prob)
	if detail, _ := prob["detail"].(string); code != 429 || h.Get("Retry-After") == "" || !strings.Contains(detail, "QUOTA_RUN_RATE_LIMIT") {
		t.Errorf("third run: %d Retry-After %q %v; want 429 naming QUOTA_RUN_RATE_LIMIT", code, h.Get("Retry-After"), prob)
	}
	// Bob's quota is his own.
	if code, r := runOwned(e2eBob, newOwned(e2eBob)); code != 202 {
		t.Errorf("bob's run: %d %v", code, r)
	}
}

// A bad API_KEYS stops the process at start with a message that does not echo the secret.
func TestAuthServeRefusesBadKeys(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PORT=0", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"),
		"API_KEYS=alice:tooshort-secret")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("serve started with a bad API_KEYS: %s", out)
	}
	if !strings.Contains(string(out), "API_KEYS") || strings.Contains(string(out), "tooshort-secret") {
		t.Errorf("output %q: want it to name API_KEYS and not echo the secret", out)
	}
}
