// Benchmarks of end-to-end latency: POST run → terminal state seen by a polling client.
package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkEndToEndEmbedded measures print("hi") through `livecode serve`, next to the bare
// /usr/bin/python3 run measured in the same loop (alternating, so both see the same noise).
func BenchmarkEndToEndEmbedded(b *testing.B) {
	p := start(b, "serve", "DATABASE_URL=sqlite:"+filepath.Join(b.TempDir(), "db.sqlite"),
		"RUN_RATE_LIMIT=0", "MAX_ACTIVE_PER_SESSION=0", "LOG_LEVEL=warn")
	benchLatency(b, p.URL)
}

// BenchmarkEndToEndDistributed measures the same through one api and one worker process on
// PostgreSQL and Redis.
func BenchmarkEndToEndDistributed(b *testing.B) {
	env := append(distributedEnv(b), "LOG_LEVEL=warn")
	api := start(b, "api", env...)
	start(b, "worker", env...)
	benchLatency(b, api.URL)
}

func benchLatency(b *testing.B, base string) {
	session := newSession(b, base, "python", `print("hi")`)
	var e2e, bare []time.Duration
	ctx := context.Background()
	for b.Loop() {
		t0 := time.Now()
		id := run(b, base, session, nil)
		if e := await(ctx, b, base, id); e.Status != "COMPLETED" || e.Stdout != "hi\n" {
			b.Fatalf("execution: %+v", e)
		}
		e2e = append(e2e, time.Since(t0))

		t1 := time.Now()
		if out, err := exec.Command("/usr/bin/python3", "-c", `print("hi")`).Output(); err != nil || string(out) != "hi\n" {
			b.Fatalf("bare python3: %q %v", out, err)
		}
		bare = append(bare, time.Since(t1))
	}
	report(b, "e2e", e2e)
	report(b, "bare", bare)
}

// report adds the p50 and p99 of ds, in milliseconds, to the benchmark's output.
func report(b *testing.B, name string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), name+"-p50-ms")
	b.ReportMetric(pct(0.99), name+"-p99-ms")
}
