// End-to-end webhooks on `livecode serve`: a pending delivery survives SIGKILL, and its latency.

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"livecode/internal/testsvc"
	"livecode/internal/webhook"
)

// webhookUIDBase is the sandbox uid range of the webhook tests.
const webhookUIDBase = 86000

const webhookSecret = "e2e-webhook-secret-0123"

// hookReceiver is a receiver on loopback: it answers 503 until up, and keeps every request.
type hookReceiver struct {
	*httptest.Server
	up  atomic.Bool
	mu  sync.Mutex
	got []hookRequest
	hit chan struct{}
}

type hookRequest struct {
	at     time.Time
	status int
	header http.Header
	body   []byte
}

func newHookReceiver(t testing.TB) *hookReceiver {
	t.Helper()
	h := &hookReceiver{hit: make(chan struct{}, 1000)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(r.Body)
		status := http.StatusServiceUnavailable
		if h.up.Load() {
			status = http.StatusNoContent
		}
		h.mu.Lock()
		h.got = append(h.got, hookRequest{at, status, r.Header.Clone(), body})
		h.mu.Unlock()
		w.WriteHeader(status)
		h.hit <- struct{}{}
	}))
	t.Cleanup(h.Close)
	return h
}

// await waits for a request answered with status, and returns it.
func (h *hookReceiver) await(t testing.TB, status int) hookRequest {
	t.Helper()
	timeout := time.After(testsvc.Scale(60 * time.Second))
	for seen := 0; ; {
		h.mu.Lock()
		for ; seen < len(h.got); seen++ {
			if h.got[seen].status == status {
				r := h.got[seen]
				h.mu.Unlock()
				return r
			}
		}
		h.mu.Unlock()
		select {
		case <-h.hit:
		case <-timeout:
			t.Fatalf("no request answered %d within 60s", status)
		}
	}
}

func webhookEnv(t testing.TB, uidBase int, db string) []string {
	return append([]string{"DATABASE_URL=sqlite:" + db, "WORKERS=2", fmt.Sprintf("SANDBOX_UID_BASE=%d", uidBase),
		"RUN_RATE_LIMIT=0", "MAX_ACTIVE_PER_SESSION=0"}, webhookSettings...)
}

var webhookSettings = []string{"WEBHOOK_SECRET=" + webhookSecret, "WEBHOOK_ALLOW=127.0.0.1/32", "WEBHOOK_BACKOFF=300ms",
	"WEBHOOK_MAX_ATTEMPTS=100", "WEBHOOK_SWEEP_INTERVAL=100ms"}

// TestWebhookDistributed runs on an api and a worker process (PostgreSQL, Redis): the worker
// attempts the delivery when the run ends; killed after a failed attempt, it leaves the retry
// to the api process's sweep.
func TestWebhookDistributed(t *testing.T) {
	t.Parallel()
	h := newHookReceiver(t)
	env := append(distributedEnv(t), webhookSettings...)
	api := start(t, "api", env...)
	w := start(t, "worker", append(env, "WORKERS=1", fmt.Sprintf("SANDBOX_UID_BASE=%d", webhookUIDBase+200))...)
	var r runResult
	if code := call(t, "POST", api.URL+"/run", map[string]any{"language": "python", "code": `print("far")`,
		"callback_url": h.URL, "wait_ms": testsvc.ScaleMS(20000)}, &r); code != 200 || r.Status != "COMPLETED" {
		t.Fatalf("POST /run: %d %+v", code, r)
	}
	h.await(t, http.StatusServiceUnavailable)
	w.kill()
	h.up.Store(true)
	got := h.await(t, http.StatusNoContent)
	if got.header.Get(webhook.DeliveryHeader) != r.ID {
		t.Errorf("delivery of %q, want %q", got.header.Get(webhook.DeliveryHeader), r.ID)
	}
	if err := webhook.Verify([]byte(webhookSecret), got.header.Get(webhook.SignatureHeader), got.body, time.Now(), time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
}

// TestWebhookSurvivesRestart kills the server while the receiver is down, with the delivery
// pending after a failed attempt; the restarted server delivers it.
func TestWebhookSurvivesRestart(t *testing.T) {
	t.Parallel()
	h := newHookReceiver(t)
	env := webhookEnv(t, webhookUIDBase, filepath.Join(t.TempDir(), "db.sqlite"))
	p := start(t, "serve", env...)
	var r runResult
	if code := call(t, "POST", p.URL+"/run", map[string]any{"language": "python", "code": `print("hooked")`,
		"callback_url": h.URL + "/hook", "wait_ms": testsvc.ScaleMS(20000)}, &r); code != 200 || r.Status != "COMPLETED" {
		t.Fatalf("POST /run: %d %+v", code, r)
	}
	h.await(t, http.StatusServiceUnavailable)
	p.kill()
	h.up.Store(true)

	p = start(t, "serve", env...)
	got := h.await(t, http.StatusNoContent)
	if err := webhook.Verify([]byte(webhookSecret), got.header.Get(webhook.SignatureHeader), got.body, time.Now(), time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	var doc runResult
	if err := json.Unmarshal(got.body, &doc); err != nil || doc.ID != r.ID || doc.Status != "COMPLETED" || doc.Stdout != "hooked\n" {
		t.Errorf("delivered %s (%v)", got.body, err)
	}
	if id := got.header.Get(webhook.DeliveryHeader); id != r.ID {
		t.Errorf("%s = %q, want %q", webhook.DeliveryHeader, id, r.ID)
	}
	var rec struct {
		Deliveries []struct {
			State    string `json:"state"`
			Attempts int    `json:"attempts"`
		} `json:"deliveries"`
	}
	testsvc.Eventually(t, 10*time.Second, "delivery delivered", func() bool {
		if code := call(t, "GET", p.URL+"/executions/"+r.ID+"/deliveries", nil, &rec); code != 200 || len(rec.Deliveries) != 1 {
			t.Fatalf("GET deliveries: %d %+v", code, rec)
		}
		return rec.Deliveries[0].State == "delivered"
	})
	if d := rec.Deliveries[0]; d.State != "delivered" || d.Attempts < 2 {
		t.Errorf("delivery record %+v, want delivered after at least 2 attempts", d)
	}
}

// BenchmarkWebhookLatency measures, for print("hi") runs through POST /run, the time from the
// terminal state (the stored finished_at) to the webhook's arrival at a receiver on loopback,
// next to the time to POST /run's own answer (which follows the live stream's result event)
// in the same runs.
func BenchmarkWebhookLatency(b *testing.B) {
	h := newHookReceiver(b)
	h.up.Store(true)
	p := start(b, "serve", append(webhookEnv(b, webhookUIDBase+100, filepath.Join(b.TempDir(), "db.sqlite")), "LOG_LEVEL=warn")...)
	var hook, answer []time.Duration
	for b.Loop() {
		var r struct {
			runResult
			FinishedAt time.Time `json:"finished_at"`
		}
		if code := call(b, "POST", p.URL+"/run", map[string]any{"language": "python", "code": `print("hi")`,
			"callback_url": h.URL, "wait_ms": 20000}, &r); code != 200 || r.Status != "COMPLETED" {
			b.Fatalf("POST /run: %d %+v", code, r)
		}
		answered := time.Now()
		got := h.await(b, http.StatusNoContent)
		h.mu.Lock()
		h.got = h.got[:0]
		h.mu.Unlock()
		if got.header.Get(webhook.DeliveryHeader) != r.ID {
			b.Fatalf("delivery of %s, want %s", got.header.Get(webhook.DeliveryHeader), r.ID)
		}
		hook = append(hook, got.at.Sub(r.FinishedAt))
		answer = append(answer, answered.Sub(r.FinishedAt))
	}
	report(b, "webhook", hook)
	report(b, "run-answer", answer)
}
