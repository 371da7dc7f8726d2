// Package tracingtest is an in-process OTLP/HTTP trace receiver for tests.
package tracingtest

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Receiver accepts OTLP/HTTP (protobuf) trace exports and keeps each span's name by trace id.
type Receiver struct {
	URL    string // the base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT
	mu     sync.Mutex
	traces map[string][]string
}

// NewReceiver starts a receiver that stops when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{traces: map[string][]string{}}
	srv := httptest.NewServer(http.HandlerFunc(r.export))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *Receiver) export(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	var msg collectortrace.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(body, &msg)
	}
	if err != nil || req.URL.Path != "/v1/traces" {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	for _, rs := range msg.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				id := hex.EncodeToString(sp.TraceId)
				r.traces[id] = append(r.traces[id], sp.Name)
			}
		}
	}
	r.mu.Unlock()
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// Spans returns the names of the spans received so far in the trace traceID (32 hex digits).
func (r *Receiver) Spans(traceID string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.traces[traceID])
}

// Missing returns the names in want that the trace has no span of.
func (r *Receiver) Missing(traceID string, want ...string) []string {
	got := r.Spans(traceID)
	return slices.DeleteFunc(slices.Clone(want), func(n string) bool { return slices.Contains(got, n) })
}
