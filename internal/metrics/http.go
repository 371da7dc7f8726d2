// HTTP metrics: request counts and latencies by route pattern and status, never by raw path.

package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Unmatched is the route label of requests no registered pattern serves (404, 405): a raw path
// would give every scanner's probe a series of its own.
const Unmatched = "unmatched"

// httpMetrics are the collectors of InstrumentHTTP, made on first use.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
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

// InstrumentHTTP counts and times each request next answers. route names the request's route:
// the pattern it was registered under (such as "GET /executions/{id}"), "" or "/" for none, so
// that the label's values are the finite set of patterns plus Unmatched.
func (m *Metrics) InstrumentHTTP(route func(*http.Request) string, next http.Handler) http.Handler {
	m.httpOnce.Do(func() { m.http = newHTTPMetrics(m.reg) })
	label := promhttp.WithLabelFromRequest("route", func(r *http.Request) string {
		if p := route(r); p != "" && p != "/" {
			return p
		}
		return Unmatched
	})
	return promhttp.InstrumentHandlerDuration(m.http.duration,
		promhttp.InstrumentHandlerCounter(m.http.requests, next, label), label)
}
