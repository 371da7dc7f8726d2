// Benchmarks of the hot paths: autosave and reading an execution.

package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/metrics"
)

// BenchmarkPatchSession measures the autosave through the handler against a real SQLite store,
// reporting the p99 latency beside ns/op, through its fast path and through huma alone (the
// body an editor sends: escaped newlines).
func BenchmarkPatchSession(b *testing.B) {
	bb := setup(b)
	sid := bb.newSession(b, "print(1)")
	d := api.Deps{Store: bb.store, Queue: bb.queue, Languages: testLanguages()}
	body := []byte(`{"source_code":"` + strings.Repeat(`x = 1\n`, 300) + `print(x)"}`)
	for _, path := range []struct {
		name string
		h    http.Handler
	}{{"fast", api.New(d, bb.cfg)}, {"huma", api.NewSlow(d, bb.cfg)}} {
		b.Run("path="+path.name, func(b *testing.B) {
			var lat []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPatch, "/code-sessions/"+sid, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				start := time.Now()
				path.h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			if len(lat) > 0 {
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}

// BenchmarkGetExecution measures reading an execution through the handler, with and without
// the HTTP metrics, so their cost shows as the difference of the two in one run.
func BenchmarkGetExecution(b *testing.B) {
	bb := setup(b)
	sid := bb.newSession(b, "print(1)")
	eid := bb.do(b, "POST", "/code-sessions/"+sid+"/run", nil).want(b, http.StatusAccepted).str("execution_id")
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("http-metrics=%v", on), func(b *testing.B) {
			d := api.Deps{Store: bb.store, Queue: bb.queue, Languages: testLanguages()}
			if on {
				d.HTTPMetrics = metrics.New(0, nil)
			}
			benchGet(b, api.New(d, bb.cfg), eid)
		})
	}
}

func benchGet(b *testing.B, h http.Handler, eid string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/executions/"+eid, nil))
			if rec.Code != http.StatusOK {
				panic(fmt.Sprintf("status %d: %s", rec.Code, rec.Body))
			}
		}
	})
}
