// Tests of the delivery client: the connect-time check, redirects, timeouts, bounded answers.

package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// receiver is an HTTP server on loopback that counts the requests reaching it.
func receiver(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func ok(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

// TestDialRefusesLoopbackName sends to a host name that resolves to loopback. The client is
// used directly, past the admission check: only the check made at connect time, on the
// address the name resolved to, stands between it and the receiver.
func TestDialRefusesLoopbackName(t *testing.T) {
	t.Parallel()
	srv, hits := receiver(t, ok)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	refusing := newClient(NewPolicy(nil, nil), 5*time.Second)
	for _, url := range []string{"http://localhost:" + port + "/hook", srv.URL + "/hook"} {
		a := refusing.send(context.Background(), http.MethodPost, url, []byte("{}"), http.Header{})
		if a.status != 0 || !strings.Contains(a.err, "loopback") {
			t.Errorf("send to %s = %+v, want refused as loopback", url, a)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the receiver got %d requests through a refusing client", n)
	}
	allowing := newClient(NewPolicy([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, nil), 5*time.Second)
	if a := allowing.send(context.Background(), http.MethodPost, srv.URL+"/hook", []byte("{}"), http.Header{}); !a.ok() {
		t.Fatalf("send with 127.0.0.1/32 allowed = %+v, want 204", a)
	}
	byName := newClient(NewPolicy(nil, []string{"localhost"}), 5*time.Second)
	if a := byName.send(context.Background(), http.MethodPost, "http://localhost:"+port+"/hook", []byte("{}"), http.Header{}); !a.ok() {
		t.Fatalf("send with localhost allowed by name = %+v, want 204", a)
	}
	if n := hits.Load(); n != 2 {
		t.Fatalf("the receiver got %d requests, want 2", n)
	}
}

func TestSendAnswers(t *testing.T) {
	t.Parallel()
	loopback := NewPolicy([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, nil)
	c := newClient(loopback, 300*time.Millisecond)
	target, targetHits := receiver(t, ok)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int
		err     string
	}{
		{"no content", ok, 204, ""},
		{"error with a body", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "database is down", http.StatusServiceUnavailable)
		}, 503, "answered 503: database is down"},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/elsewhere", http.StatusTemporaryRedirect)
		}, 307, "redirects are not followed"},
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leaving
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, 0, "timed out"},
		{"endless answer", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			chunk := []byte(strings.Repeat("x", 32<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := receiver(t, tt.handler)
			a := c.send(context.Background(), http.MethodPost, srv.URL, []byte("{}"), http.Header{})
			if a.status != tt.status || !strings.Contains(a.err, tt.err) || (tt.err == "") != (a.err == "") {
				t.Errorf("send = %+v, want status %d and error %q", a, tt.status, tt.err)
			}
			if hits.Load() != 1 {
				t.Errorf("receiver hit %d times, want 1", hits.Load())
			}
		})
	}
	t.Cleanup(func() {
		if n := targetHits.Load(); n != 0 {
			t.Errorf("a redirect was followed %d times", n)
		}
	})
}
