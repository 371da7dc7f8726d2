// Webhooks through the API: callback_url refused at admission, delivered signed, its record.

package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/testsvc"
	"livecode/internal/webhook"
)

const hookSecret = "webhook-secret-0123456789"

// withWebhooks signs with hookSecret (or the API keys'), allows loopback targets and runs a
// dispatcher over the bundle's store that sweeps every 20 ms. Give it after withKeys.
func withWebhooks(t *testing.T) option {
	return func(c *api.Config, d *api.Deps) {
		c.WebhookSecret, c.WebhookAllow = hookSecret, "127.0.0.1/32"
		policy, secrets, err := webhook.FromConfig(c.Config)
		if err != nil {
			t.Fatalf("webhook config: %v", err)
		}
		disp := webhook.NewDispatcher(d.Store.(webhook.Store), webhook.Config{Policy: policy, Secrets: secrets,
			Bodies: api.WebhookBodies(d.Languages), Interval: 20 * time.Millisecond, Backoff: 50 * time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); disp.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		d.Ended = disp.Ended
	}
}

// delivery is one request a receiver got.
type delivery struct {
	method string
	header http.Header
	body   []byte
}

// receiver serves on loopback and hands over each request it gets.
func receiver(t *testing.T) (string, <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{r.Method, r.Header.Clone(), body}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hook", got
}

func next(t *testing.T, got <-chan delivery) delivery {
	t.Helper()
	select {
	case d := <-got:
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery within 20s")
		return delivery{}
	}
}

// TestCallbackRefused checks callback_url at admission on every native run endpoint.
func TestCallbackRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, withWebhooks(t))
	sid := b.newSession(t, "print(1)")
	endpoints := []struct {
		name     string
		path     string
		body     func(url string) any
		location string
	}{
		{"run", "/run", func(u string) any { return map[string]any{"language": "python", "code": "print(1)", "callback_url": u} }, "body.callback_url"},
		{"session run", "/code-sessions/" + sid + "/run", func(u string) any { return map[string]any{"callback_url": u} }, "body.callback_url"},
		{"executions", "/executions", func(u string) any { return map[string]any{"sessionId": sid, "callback_url": u} }, "body.callback_url"},
	}
	urls := []struct{ url, says string }{
		{"http://127.0.0.2/", "loopback"},
		{"http://[::1]/", "loopback"},
		{"http://10.1.2.3/", "private"},
		{"http://[fd00::1]/", "private"},
		{"http://169.254.169.254/latest", "metadata"},
		{"http://[fe80::1]/", "link-local"},
		{"http://100.64.1.1/", "CGNAT"},
		{"http://239.1.1.1/", "multicast"},
		{"http://0.0.0.0/", "unspecified"},
		{"ftp://hooks.example.com/", "http or https"},
		{"https://u:p@hooks.example.com/", "user info"},
		{"https://hooks.example.com/" + strings.Repeat("x", webhook.MaxURLBytes), "longer than 2048"},
	}
	for _, ep := range endpoints {
		for _, u := range urls {
			r := b.do(t, "POST", ep.path, ep.body(u.url)).want(t, http.StatusUnprocessableEntity)
			if !reflect.DeepEqual(r.locations(), []string{ep.location}) || !strings.Contains(string(r.raw), u.says) {
				t.Errorf("%s with %.40s: %s, want %s naming %s", ep.name, u.url, r.raw, u.says, ep.location)
			}
		}
	}
	// WEBHOOK_ALLOW is 127.0.0.1/32 here: that address, and localhost, pass admission.
	for _, u := range []string{"http://127.0.0.1:9/", "http://localhost:9/"} {
		b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "1", "callback_url": u, "wait_ms": 0}).want(t, http.StatusAccepted)
	}
	r := b.do(t, "POST", "/runs/batch", map[string]any{"runs": []any{
		map[string]any{"language": "python", "code": "1", "callback_url": "http://192.168.0.1/"},
		map[string]any{"language": "python", "code": "1"}}}).want(t, http.StatusOK)
	runs := r.body["runs"].([]any)
	p, _ := runs[0].(map[string]any)["problem"].(map[string]any)
	if p == nil || !strings.Contains(p["detail"].(string), "private") || !strings.Contains(string(r.raw), `"location":"body.runs[0].callback_url"`) {
		t.Errorf("batch item 0: %s", r.raw)
	}
	if runs[1].(map[string]any)["execution_id"] == nil {
		t.Errorf("batch item 1 was not admitted: %s", r.raw)
	}
}

// TestCallbackNeedsSecret: without API keys or WEBHOOK_SECRET nothing could sign a delivery.
func TestCallbackNeedsSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "1", "callback_url": "https://hooks.example.com/"}).
		want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.raw), "WEBHOOK_SECRET") || !reflect.DeepEqual(r.locations(), []string{"body.callback_url"}) {
		t.Errorf("%s", r.raw)
	}
}

// TestWebhookDelivered runs with a callback: the receiver gets the GET /executions/{id}
// document, signed, and the delivery record says so.
func TestWebhookDelivered(t *testing.T) {
	t.Parallel()
	b := setup(t, withWebhooks(t))
	b.work(t)
	url, got := receiver(t)
	sid := b.newSession(t, "print(2)")
	for _, req := range []struct {
		path string
		body map[string]any
	}{
		{"/run", map[string]any{"language": "python", "code": "print(1)", "stdin": "in", "callback_url": url}},
		{"/code-sessions/" + sid + "/run", map[string]any{"stdin": "in", "callback_url": url}},
	} {
		path := req.path
		r := b.do(t, "POST", path, req.body)
		if r.status != http.StatusOK && r.status != http.StatusAccepted {
			t.Fatalf("POST %s: %d %s", path, r.status, r.raw)
		}
		id := r.str("execution_id")
		d := next(t, got)
		if d.method != http.MethodPost || d.header.Get(webhook.DeliveryHeader) != id {
			t.Fatalf("%s: %s with %v", path, d.method, d.header)
		}
		if err := webhook.Verify([]byte(hookSecret), d.header.Get(webhook.SignatureHeader), d.body, time.Now(), time.Minute); err != nil {
			t.Errorf("%s: signature: %v", path, err)
		}
		var body map[string]any
		if err := json.Unmarshal(d.body, &body); err != nil {
			t.Fatalf("%s: body %s: %v", path, d.body, err)
		}
		read := b.waitTerminal(t, id).body
		delete(read, "$schema")
		if !reflect.DeepEqual(body, read) {
			t.Errorf("%s: delivered %v\nGET answers %v", path, body, read)
		}
		rec := waitDelivered(t, b, id, nil)
		if rec["url"] != url || rec["attempts"] != 1.0 || rec["last_status_code"] != 200.0 || rec["last_error"] != nil ||
			rec["delivered_at"] == nil || rec["next_attempt_at"] != nil {
			t.Errorf("%s: delivery record %v", path, rec)
		}
	}
	plain := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "print(3)", "wait_ms": 0}).str("execution_id")
	r := b.do(t, "GET", "/executions/"+plain+"/deliveries", nil).want(t, http.StatusOK)
	if string(r.raw) == "" || len(r.body["deliveries"].([]any)) != 0 {
		t.Errorf("deliveries of a run without callback: %s", r.raw)
	}
}

// waitDelivered polls GET /executions/{id}/deliveries until its one delivery is delivered.
func waitDelivered(t *testing.T, b *bundle, id string, headers []string) map[string]any {
	t.Helper()
	var delivery map[string]any
	testsvc.Eventually(t, 10*time.Second, "delivery of "+id+" delivered", func() bool {
		r := b.do(t, "GET", "/executions/"+id+"/deliveries", nil, headers...).want(t, http.StatusOK)
		list, _ := r.body["deliveries"].([]any)
		if len(list) == 1 && list[0].(map[string]any)["state"] == "delivered" {
			delivery = list[0].(map[string]any)
			return true
		}
		return false
	})
	return delivery
}

// TestWebhookPerKey: with API keys, the key's own secret signs, and only its owner reads the record.
func TestWebhookPerKey(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys, withWebhooks(t))
	b.work(t)
	url, got := receiver(t)
	r := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "1", "callback_url": url, "wait_ms": 0}, bearer(aliceKey)...)
	id := r.want(t, http.StatusAccepted).str("execution_id")
	d := next(t, got)
	if err := webhook.Verify([]byte(aliceKey), d.header.Get(webhook.SignatureHeader), d.body, time.Now(), time.Minute); err != nil {
		t.Errorf("signed with alice's key: %v", err)
	}
	if err := webhook.Verify([]byte(hookSecret), d.header.Get(webhook.SignatureHeader), d.body, time.Now(), time.Minute); err == nil {
		t.Errorf("signed with WEBHOOK_SECRET although keys are on")
	}
	waitDelivered(t, b, id, bearer(aliceKey))
	b.do(t, "GET", "/executions/"+id+"/deliveries", nil, bearer(bobKey)...).want(t, http.StatusNotFound)
}

// TestWebhookJudge0 submits through the Judge0 API with a callback_url: the receiver gets a
// PUT of Judge0's submission (default fields, Base64), as GET /submissions/{token} shows it.
func TestWebhookJudge0(t *testing.T) {
	t.Parallel()
	b := setup(t, withWebhooks(t))
	b.work(t)
	url, got := receiver(t)
	r := b.do(t, "POST", "/judge0/submissions", `{"source_code": "print(input())", "language_id": 71, "stdin": "world", "callback_url": "`+url+`"}`).
		want(t, http.StatusCreated)
	token := r.str("token")
	d := next(t, got)
	if d.method != http.MethodPut || d.header.Get(webhook.DeliveryHeader) != token {
		t.Fatalf("%s with %v", d.method, d.header)
	}
	if err := webhook.Verify([]byte(hookSecret), d.header.Get(webhook.SignatureHeader), d.body, time.Now(), time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(d.body, &body); err != nil {
		t.Fatalf("body %s: %v", d.body, err)
	}
	read := b.do(t, "GET", "/judge0/submissions/"+token+"?base64_encoded=true", nil).want(t, http.StatusOK).body
	if !reflect.DeepEqual(body, read) {
		t.Errorf("delivered %v\nGET answers %v", body, read)
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	if want := sorted("stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status"); !reflect.DeepEqual(sorted(keys...), want) {
		t.Errorf("fields %v, want %v", sorted(keys...), want)
	}
	if body["stdout"] == nil || body["token"] != token {
		t.Errorf("body %s", d.body)
	}
}

// TestWebhookRetried: a receiver that fails twice gets the delivery a third time.
func TestWebhookRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, withWebhooks(t))
	b.work(t)
	var mu sync.Mutex
	answers := []int{500, 502, 200}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		status := answers[0]
		if len(answers) > 1 {
			answers = answers[1:]
		}
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	id := b.do(t, "POST", "/run", map[string]any{"language": "python", "code": "1", "callback_url": srv.URL, "wait_ms": 0}).str("execution_id")
	rec := waitDelivered(t, b, id, nil)
	if rec["attempts"] != 3.0 || rec["last_status_code"] != 200.0 {
		t.Errorf("delivery record %v", rec)
	}
}
