// Idle subscription memory and delivery latency of the in-process broker.

package memstream_test

import (
	"testing"
	"time"

	"livecode/internal/stream/memstream"
	"livecode/internal/stream/streamtest"
)

func TestMeasure(t *testing.T) {
	b := memstream.New(memstream.Config{})
	defer b.Close()
	idle := streamtest.IdleMemory(t, b, 1000, nil)
	t.Log(idle)
	if per := idle.HeapPerSub + idle.StackPerSub; per > 32<<10 {
		t.Errorf("an idle subscription holds %.0f bytes", per)
	}
	lat := streamtest.MeasureLatency(t, b, 2000)
	t.Log(lat)
	if lat.P99 > 50*time.Millisecond {
		t.Errorf("p99 latency %v", lat.P99)
	}
}

func BenchmarkLatency(b *testing.B) {
	broker := memstream.New(memstream.Config{})
	defer broker.Close()
	n := max(b.N, 100)
	lat := streamtest.MeasureLatency(b, broker, n)
	b.ReportMetric(float64(lat.P50.Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat.P99.Nanoseconds())/1e3, "p99-µs")
}
