// Package tracingtest is an in-process OTLP/HTTP trace receiver for tests.
package tracingtest

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonv1 "go.opentelemetry.io/proto/otlp/common/v1"
	tracev1 "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Receiver accepts OTLP/HTTP (protobuf) trace exports and keeps each span by trace id.
type Receiver struct {
	URL    string // the base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT
	mu     sync.Mutex
	traces map[string][]Span
}

// Span is what the receiver keeps of an exported span.
type Span struct {
	Name     string
	ID       string // 16 hex digits
	ParentID string // "" for a root span
	Start    time.Time
	End      time.Time
	Attrs    map[string]string // each value as its string form (ints in decimal, bools true/false)
	Error    bool              // its status is Error
	Events   []string          // the names of its events ("exception" for a recorded error)
}

// NewReceiver starts a receiver that stops when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{traces: map[string][]Span{}}
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
				r.traces[id] = append(r.traces[id], spanOf(sp))
			}
		}
	}
	r.mu.Unlock()
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func spanOf(sp *tracev1.Span) Span {
	s := Span{Name: sp.Name, ID: hex.EncodeToString(sp.SpanId), ParentID: hex.EncodeToString(sp.ParentSpanId),
		Start: time.Unix(0, int64(sp.StartTimeUnixNano)), End: time.Unix(0, int64(sp.EndTimeUnixNano)),
		Attrs: map[string]string{}, Error: sp.GetStatus().GetCode() == tracev1.Status_STATUS_CODE_ERROR}
	for _, kv := range sp.Attributes {
		v := kv.GetValue()
		switch v.GetValue().(type) {
		case *commonv1.AnyValue_IntValue:
			s.Attrs[kv.Key] = strconv.FormatInt(v.GetIntValue(), 10)
		case *commonv1.AnyValue_BoolValue:
			s.Attrs[kv.Key] = strconv.FormatBool(v.GetBoolValue())
		default:
			s.Attrs[kv.Key] = v.GetStringValue()
		}
	}
	for _, ev := range sp.Events {
		s.Events = append(s.Events, ev.Name)
	}
	return s
}

// Trace returns the spans received so far in the trace traceID (32 hex digits), in the order
// they came.
func (r *Receiver) Trace(traceID string) []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.traces[traceID])
}

// Spans returns the names of the spans received so far in the trace traceID (32 hex digits).
func (r *Receiver) Spans(traceID string) []string {
	var names []string
	for _, s := range r.Trace(traceID) {
		names = append(names, s.Name)
	}
	return names
}

// TraceIDs returns the ids of the traces received so far.
func (r *Receiver) TraceIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.traces))
	for id := range r.traces {
		ids = append(ids, id)
	}
	return ids
}

// Missing returns the names in want that the trace has no span of.
func (r *Receiver) Missing(traceID string, want ...string) []string {
	got := r.Spans(traceID)
	return slices.DeleteFunc(slices.Clone(want), func(n string) bool { return slices.Contains(got, n) })
}

// Walk returns the spans at the end of path in spans (one trace's): those named path[0], then
// their children named path[1], and so on; the first name matches spans at any depth.
func Walk(spans []Span, path ...string) []Span {
	var at []Span
	for i, name := range path {
		var next []Span
		for _, s := range spans {
			if s.Name == name && (i == 0 || slices.ContainsFunc(at, func(p Span) bool { return p.ID == s.ParentID })) {
				next = append(next, s)
			}
		}
		at = next
	}
	return at
}

// Children returns the names of the children of p in spans, ordered by their start.
func Children(spans []Span, p Span) []string {
	var kids []Span
	for _, s := range spans {
		if s.ParentID == p.ID {
			kids = append(kids, s)
		}
	}
	slices.SortStableFunc(kids, func(a, b Span) int { return a.Start.Compare(b.Start) })
	names := make([]string, len(kids))
	for i, s := range kids {
		names[i] = s.Name
	}
	return names
}
