// Tests of the HTTP instrumentation: the status each request is counted under, and the
// writer's features reaching through it.

package metrics

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestInstrumentHTTPStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		route   string
		handler http.HandlerFunc
		want    string // code label
		label   string // route label
	}{
		{"no status written", "GET /a", func(http.ResponseWriter, *http.Request) {}, "200", "GET /a"},
		{"status", "GET /a", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }, "404", "GET /a"},
		{"body before a late status", "GET /a", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("x"))
			w.WriteHeader(http.StatusInternalServerError)
		}, "200", "GET /a"},
		{"interim then final", "GET /a", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}, "202", "GET /a"},
		{"no route", "", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }, "404", Unmatched},
		{"fallback route", "/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusMethodNotAllowed) }, "405", Unmatched},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := New(0, nil)
			h := m.InstrumentHTTP(func(*http.Request) string { return tc.route }, tc.handler)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/a", nil))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/a", nil))
			want := map[string]float64{tc.label + " " + tc.want: 2}
			if got := httpSeriesOf(t, m, "livecode_http_requests_total"); !maps.Equal(got, want) {
				t.Errorf("requests = %v, want %v", got, want)
			}
			if got := httpSeriesOf(t, m, "livecode_http_request_duration_seconds"); !maps.Equal(got, want) {
				t.Errorf("durations observed = %v, want %v", got, want)
			}
		})
	}
}

// TestInstrumentHTTPUnwraps shows that a stream's flushes reach the connection's writer
// through the instrumentation, as SSE and WebSocket upgrades need.
func TestInstrumentHTTPUnwraps(t *testing.T) {
	t.Parallel()
	m := New(0, nil)
	var flushErr error
	h := m.InstrumentHTTP(func(*http.Request) string { return "GET /s" }, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("data: x\n\n"))
		flushErr = http.NewResponseController(w).Flush()
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/s", nil))
	if flushErr != nil || !rec.Flushed {
		t.Errorf("flush through the instrumentation: err %v, flushed %v", flushErr, rec.Flushed)
	}
}

// httpSeriesOf gathers the family name and returns "route code" → its count (a counter's value,
// a histogram's sample count).
func httpSeriesOf(t *testing.T, m *Metrics, name string) map[string]float64 {
	t.Helper()
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			var route, code string
			for _, l := range s.GetLabel() {
				switch l.GetName() {
				case "route":
					route = l.GetValue()
				case "code":
					code = l.GetValue()
				}
			}
			v := s.GetCounter().GetValue()
			if h := s.GetHistogram(); h != nil {
				v = float64(h.GetSampleCount())
			}
			out[route+" "+code] = v
		}
	}
	return out
}
