// Tests of the Dispatcher over a real SQLite store and receivers on loopback.

package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"livecode/internal/execution"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite"
	"livecode/internal/testsvc"
	"livecode/internal/webhook"
)

const secret = "0123456789abcdef0123"

// received is one request a receiver got.
type received struct {
	at     time.Time
	method string
	header http.Header
	body   []byte
}

// hook is a receiver on loopback that answers each request with the next of answers (the
// last one again once they are used up).
type hook struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	answers []int
	arrived chan struct{}
}

func newHook(t *testing.T, answers ...int) *hook {
	t.Helper()
	h := &hook{answers: answers, arrived: make(chan struct{}, 100)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, received{at: time.Now(), method: r.Method, header: r.Header.Clone(), body: body})
		status := h.answers[min(len(h.got), len(h.answers))-1]
		h.mu.Unlock()
		w.WriteHeader(status)
		h.arrived <- struct{}{}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) requests() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.got...)
}

// wait waits for n requests in all.
func (h *hook) wait(t *testing.T, n int) []received {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for len(h.requests()) < n {
		select {
		case <-h.arrived:
		case <-timeout:
			t.Fatalf("receiver got %d requests, want %d", len(h.requests()), n)
		}
	}
	return h.requests()
}

type fixture struct {
	store *sqlite.Store
	d     *webhook.Dispatcher
}

// start runs a dispatcher over a new store, allowing loopback, signing with secret, sweeping
// every 20 ms, as change leaves them.
func start(t *testing.T, change func(*webhook.Config)) fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "livecode.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := webhook.Config{Policy: webhook.NewPolicy([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, nil),
		Secrets: webhook.NewSecrets(secret, nil), Interval: 20 * time.Millisecond, Timeout: 2 * time.Second,
		Bodies: map[string]webhook.Render{webhook.FormatLivecode: func(e execution.Execution) ([]byte, error) {
			return json.Marshal(map[string]string{"execution_id": e.ID, "status": string(e.Status)})
		}}}
	if change != nil {
		change(&cfg)
	}
	d := webhook.NewDispatcher(st, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return fixture{store: st, d: d}
}

// run stores an execution whose run gives url as its callback, and ends it.
func (f fixture) run(t *testing.T, url string) execution.Execution {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	sid, id := uuid.NewString(), uuid.NewString()
	n := store.NewExecution{ID: id, SessionID: sid, Language: "python", Code: "print(1)", Now: now,
		Limits:     execution.Limits{TimeLimitMS: 1000, MemoryLimitMB: 64, MaxProcesses: 8, OutputLimitBytes: 1024},
		NewSession: &session.Session{ID: sid, Status: session.StatusActive, Language: "python", CreatedAt: now, UpdatedAt: now},
		Webhook:    &store.NewWebhook{URL: url, Format: webhook.FormatLivecode}}
	if _, _, err := f.store.CreateExecution(ctx, n); err != nil {
		t.Fatalf("CreateExecution: %v", err)
	}
	if ok, err := f.store.Abort(ctx, id, execution.StatusCancelled, execution.ReasonCancelled, time.Now()); err != nil || !ok {
		t.Fatalf("Abort: ok=%v err=%v", ok, err)
	}
	e, err := f.store.GetExecution(ctx, id)
	if err != nil {
		t.Fatalf("GetExecution: %v", err)
	}
	f.d.Ended(id)
	return e
}

// settled waits until the delivery of id is no longer pending, and returns it.
func (f fixture) settled(t *testing.T, id string) store.Delivery {
	t.Helper()
	var d store.Delivery
	testsvc.Await(t, 20*time.Second, func() (err error) {
		if d, err = f.store.GetDelivery(context.Background(), id); err != nil {
			t.Fatalf("GetDelivery: %v", err)
		}
		if d.State == store.DeliveryPending {
			return fmt.Errorf("delivery of %s still pending", id)
		}
		return nil
	})
	return d
}

func TestDeliverSigned(t *testing.T) {
	t.Parallel()
	h := newHook(t, http.StatusOK)
	f := start(t, nil)
	e := f.run(t, h.URL+"/hook?x=1")
	got := h.wait(t, 1)[0]
	if got.method != http.MethodPost || got.header.Get(webhook.DeliveryHeader) != e.ID || got.header.Get(webhook.AttemptHeader) != "1" ||
		got.header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s with headers %v", got.method, got.header)
	}
	if err := webhook.Verify([]byte(secret), got.header.Get(webhook.SignatureHeader), got.body, time.Now(), 5*time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	if want := `{"execution_id":"` + e.ID + `","status":"CANCELLED"}`; string(got.body) != want {
		t.Errorf("body = %s, want %s", got.body, want)
	}
	d := f.settled(t, e.ID)
	if d.State != store.DeliveryDelivered || d.Attempts != 1 || d.LastStatus == nil || *d.LastStatus != 200 || d.DeliveredAt == nil {
		t.Errorf("delivery = %+v, want delivered at the first attempt", d)
	}
}

// TestRetryBackoff has a receiver fail twice (500, then 503) and succeed the third time: the
// attempts are spaced by the backoff, doubled after each failure.
func TestRetryBackoff(t *testing.T) {
	t.Parallel()
	const backoff = 150 * time.Millisecond
	h := newHook(t, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusNoContent)
	f := start(t, func(c *webhook.Config) { c.Backoff, c.MaxAttempts = backoff, 5 })
	e := f.run(t, h.URL)
	got := h.wait(t, 3)
	d := f.settled(t, e.ID)
	if d.State != store.DeliveryDelivered || d.Attempts != 3 || *d.LastStatus != 204 || d.LastError != "" {
		t.Errorf("delivery = %+v, want delivered at the third attempt", d)
	}
	for i, wantGap := range []time.Duration{backoff, 2 * backoff} {
		if gap := got[i+1].at.Sub(got[i].at); gap < wantGap {
			t.Errorf("attempt %d came %v after the one before, want at least %v", i+2, gap, wantGap)
		}
		if a := got[i+1].header.Get(webhook.AttemptHeader); a != []string{"2", "3"}[i] {
			t.Errorf("attempt header %q", a)
		}
		if got[i+1].header.Get(webhook.DeliveryHeader) != e.ID {
			t.Errorf("the delivery id changed between attempts")
		}
	}
	if len(h.requests()) != 3 {
		t.Errorf("receiver got %d requests, want 3", len(h.requests()))
	}
}

func TestGiveUp(t *testing.T) {
	t.Parallel()
	h := newHook(t, http.StatusBadGateway)
	f := start(t, func(c *webhook.Config) { c.Backoff, c.MaxAttempts = 10*time.Millisecond, 3 })
	e := f.run(t, h.URL)
	d := f.settled(t, e.ID)
	if d.State != store.DeliveryFailed || d.Attempts != 3 || *d.LastStatus != 502 || d.LastError != "answered 502" {
		t.Errorf("delivery = %+v, want failed after 3 attempts", d)
	}
	// What must not happen has no event to wait on: ten sweeps (Interval 10ms) pass, and none
	// may try again.
	time.Sleep(100 * time.Millisecond)
	if n := len(h.requests()); n != 3 {
		t.Errorf("receiver got %d requests, want 3", n)
	}
}

// TestRefusedAtConnect delivers to a loopback receiver that the policy does not allow: every
// attempt is refused before connecting, and the record says why.
func TestRefusedAtConnect(t *testing.T) {
	t.Parallel()
	h := newHook(t, http.StatusOK)
	f := start(t, func(c *webhook.Config) {
		c.Policy, c.Backoff, c.MaxAttempts = webhook.NewPolicy(nil, nil), 10*time.Millisecond, 2
	})
	e := f.run(t, h.URL)
	d := f.settled(t, e.ID)
	if d.State != store.DeliveryFailed || d.LastStatus != nil || d.LastError != "127.0.0.1 is a loopback address, which callbacks may not reach (WEBHOOK_ALLOW)" {
		t.Errorf("delivery = %+v, want failed as loopback", d)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("receiver got %d requests", n)
	}
}

func TestNoSecret(t *testing.T) {
	t.Parallel()
	h := newHook(t, http.StatusOK)
	f := start(t, func(c *webhook.Config) { c.Secrets = webhook.NewSecrets("", nil) })
	e := f.run(t, h.URL)
	if d := f.settled(t, e.ID); d.State != store.DeliveryFailed || d.Attempts != 1 {
		t.Errorf("delivery = %+v, want failed at once", d)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("an unsigned delivery was sent (%d requests)", n)
	}
}

// TestTwoDispatchers runs two dispatchers over one store, as two processes would: each
// delivery is made once.
func TestTwoDispatchers(t *testing.T) {
	t.Parallel()
	h := newHook(t, http.StatusOK)
	f := start(t, nil)
	other := webhook.NewDispatcher(f.store, webhook.Config{Policy: webhook.NewPolicy([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, nil),
		Secrets: webhook.NewSecrets(secret, nil), Interval: 5 * time.Millisecond,
		Bodies: map[string]webhook.Render{webhook.FormatLivecode: func(execution.Execution) ([]byte, error) { return []byte("{}"), nil }}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); other.Run(ctx) }()
	defer func() { cancel(); <-done }()
	const n = 20
	ids := map[string]bool{}
	for range n {
		e := f.run(t, h.URL)
		other.Ended(e.ID)
		ids[e.ID] = true
	}
	for id := range ids {
		f.settled(t, id)
	}
	seen := map[string]int{}
	for _, r := range h.requests() {
		seen[r.header.Get(webhook.DeliveryHeader)]++
	}
	for id := range ids {
		if seen[id] != 1 {
			t.Errorf("delivery %s made %d times, want 1", id, seen[id])
		}
	}
}
