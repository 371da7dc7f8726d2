// Benchmarks of the distributed mode: throughput against worker slots, and recovery after a worker's SIGKILL.
package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// BenchmarkThroughputSleep runs programs that sleep 0.2 s through one api and one worker process
// with 1, 2, 4 and 8 slots. They wait rather than compute, so throughput should grow with slots.
func BenchmarkThroughputSleep(b *testing.B) {
	for _, slots := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("slots=%d", slots), func(b *testing.B) {
			env := append(distributedEnv(b), "LOG_LEVEL=warn")
			api := start(b, "api", env...)
			start(b, "worker", append(env, fmt.Sprintf("WORKERS=%d", slots))...)
			session := newSession(b, api.URL, "python", "import time\ntime.sleep(0.2)\nprint('ok')")
			const batch = 32
			ctx := context.Background()
			var runs int
			t0 := time.Now()
			for b.Loop() {
				var wg sync.WaitGroup
				for range batch {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if e := awaitEvery(ctx, b, api.URL, run(b, api.URL, session, nil), 50*time.Millisecond); e.Status != "COMPLETED" {
							b.Errorf("execution: %+v", e)
						}
					}()
				}
				wg.Wait()
				runs += batch
			}
			b.ReportMetric(float64(runs)/time.Since(t0).Seconds(), "runs/s")
		})
	}
}

// BenchmarkWorkerKillRecovery measures the time from a worker's SIGKILL, while it runs an
// execution, to that execution's completion on another worker, with the default lease and
// reaper settings.
func BenchmarkWorkerKillRecovery(b *testing.B) {
	env := append(distributedEnv(b), "LOG_LEVEL=warn", "LEASE_DURATION=10s", "REAP_INTERVAL=3s")
	api := start(b, "api", env...)
	session := newSession(b, api.URL, "python", "import time\ntime.sleep(0.5)\nprint('done')")
	var total time.Duration
	for b.Loop() {
		victim := start(b, "worker", env...)
		id := run(b, api.URL, session, nil)
		awaitStatus(b, api.URL, id, "RUNNING")
		rescuer := start(b, "worker", env...)
		t0 := time.Now()
		victim.kill()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		e := await(ctx, b, api.URL, id)
		cancel()
		total += time.Since(t0)
		if e.Status != "COMPLETED" || e.Attempts != 2 {
			b.Fatalf("after the kill: %+v", e)
		}
		rescuer.kill()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s-to-complete")
}
