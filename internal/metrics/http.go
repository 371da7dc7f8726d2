// HTTP metrics: request counts and latencies by route pattern and status, never by raw path.

package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Unmatched is the route label of requests no registered pattern serves (404, 405): a raw path
// would give every scanner's probe a series of its own.
const Unmatched = "unmatched"

// httpMetrics are the collectors of InstrumentHTTP, made on first use, and their series by
// route and code: the label set is finite, so each pair is looked up in the vectors once.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	series   sync.Map // routeCode → httpSeries
}

type routeCode struct {
	route string
	code  int
}

type httpSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	h := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "livecode_http_requests_total", Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "livecode_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request (streams: until they end), by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
	}
	reg.MustRegister(h.requests, h.duration)
	return h
}

func (h *httpMetrics) of(route string, code int) httpSeries {
	k := routeCode{route, code}
	if s, ok := h.series.Load(k); ok {
		return s.(httpSeries)
	}
	c := strconv.Itoa(code)
	s := httpSeries{requests: h.requests.WithLabelValues(route, c), duration: h.duration.WithLabelValues(route, c)}
	h.series.Store(k, s)
	return s
}

// InstrumentHTTP counts and times each request next answers. route names the request's route:
// the pattern it was registered under (such as "GET /executions/{id}"), "" or "/" for none, so
// that the label's values are the finite set of patterns plus Unmatched. A request whose
// handler writes no status counts as 200.
func (m *Metrics) InstrumentHTTP(route func(*http.Request) string, next http.Handler) http.Handler {
	m.httpOnce.Do(func() { m.http = newHTTPMetrics(m.reg) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		p := route(r)
		if p == "" || p == "/" {
			p = Unmatched
		}
		s := m.http.of(p, sw.code)
		s.requests.Inc()
		s.duration.Observe(time.Since(start).Seconds())
	})
}

// statusWriter records the status of a response: the first final one, which is what the client
// got (1xx other than 101 are interim, and a later WriteHeader is ignored by net/http). Flush, Hijack and deadlines reach the
// writer beneath through Unwrap (http.ResponseController, and WebSocket upgrades, look there).
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
