// Tests of the HTTP metrics: labelled by route pattern, never by raw path.

package api_test

import (
	"net/http"
	"regexp"
	"slices"
	"testing"

	"livecode/internal/api"
	"livecode/internal/metrics"
)

var routeLabel = regexp.MustCompile(`livecode_http_requests_total\{code="(\d+)",route="([^"]*)"\} (\d+)`)

// httpSeries scrapes /metrics and returns the request counter's series as "route code" → count.
func (b *bundle) httpSeries(t *testing.T) map[string]string {
	t.Helper()
	raw := b.do(t, http.MethodGet, "/metrics", nil).want(t, http.StatusOK).raw
	out := map[string]string{}
	for _, m := range routeLabel.FindAllStringSubmatch(string(raw), -1) {
		out[m[2]+" "+m[1]] = m[3]
	}
	return out
}

func TestHTTPMetricsByRoute(t *testing.T) {
	t.Parallel()
	m := metrics.New(0, nil)
	b := setup(t, func(_ *api.Config, d *api.Deps) { d.Metrics, d.HTTPMetrics = m.Handler(), m })
	sid := b.newSession(t, "print(1)")
	b.do(t, http.MethodGet, "/code-sessions/"+sid, nil).want(t, http.StatusOK)
	b.do(t, http.MethodGet, "/code-sessions/"+b.newSession(t, ""), nil).want(t, http.StatusOK)
	b.do(t, http.MethodGet, "/code-sessions/00000000-0000-7000-8000-000000000000", nil).want(t, http.StatusNotFound)

	got := b.httpSeries(t)
	for series, want := range map[string]string{
		"POST /code-sessions 201":     "2",
		"GET /code-sessions/{id} 200": "2",
		"GET /code-sessions/{id} 404": "1",
	} {
		if got[series] != want {
			t.Errorf("%s = %q, want %q; all %v", series, got[series], want, got)
		}
	}

	// Unknown paths and wrong methods all count under one label value.
	before := routes(b.httpSeries(t))
	for _, p := range []string{"/no/such/a", "/no/such/b", "/x" + sid, "/code-sessions/" + sid + "/nope"} {
		b.do(t, http.MethodGet, p, nil).want(t, http.StatusNotFound)
	}
	b.do(t, http.MethodPut, "/code-sessions/"+sid, nil).want(t, http.StatusMethodNotAllowed)
	b.do(t, http.MethodPut, "/languages", nil).want(t, http.StatusMethodNotAllowed)
	after := b.httpSeries(t)
	if got := routes(after); !slices.Equal(got, before) && !slices.Equal(got, append(slices.Clone(before), metrics.Unmatched)) {
		t.Errorf("routes grew from %v to %v", before, got)
	}
	if after[metrics.Unmatched+" 404"] != "4" || after[metrics.Unmatched+" 405"] != "2" {
		t.Errorf("unmatched series = %q (404), %q (405); want 4 and 2; all %v",
			after[metrics.Unmatched+" 404"], after[metrics.Unmatched+" 405"], after)
	}
	for series := range after {
		if regexp.MustCompile(`[0-9a-f]{8}-`).MatchString(series) {
			t.Errorf("a raw id in a label: %q", series)
		}
	}
}

// routes lists the distinct route labels of a scrape, sorted.
func routes(series map[string]string) []string {
	var out []string
	for s := range series {
		r := s[:len(s)-4]
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}
