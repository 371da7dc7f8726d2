// Benchmarks of Enqueue, the one queue call on a run request's path, and of pickup.

package redisqueue_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/testsvc"
)

func BenchmarkEnqueue(b *testing.B) {
	url := testsvc.Redis(b)
	name := testsvc.QueueName(b)
	q, err := redisqueue.New(redisqueue.Config{URL: url, Name: name, Capacity: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = q.Close() })
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			id := name + "-" + strconv.Itoa(i) + "-" + testsvc.QueueName(b)
			if err := q.Enqueue(ctx, execution.Job{ExecutionID: id}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	_ = deleteQueue(url, name)
}

// BenchmarkPickup measures the time from Enqueue to the handler's start with an idle worker
// (the pause between jobs lets it go idle), at QUEUE_POLL_INTERVAL's default.
func BenchmarkPickup(b *testing.B) {
	url := testsvc.Redis(b)
	name := testsvc.QueueName(b)
	q, err := redisqueue.New(redisqueue.Config{URL: url, Name: name})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = q.Close(); _ = deleteQueue(url, name) })
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan time.Time, 1)
	runErr := make(chan error, 1)
	go func() {
		runErr <- q.Run(ctx, 1, func(context.Context, queue.Delivery) error { started <- time.Now(); return nil })
	}()
	var pickups []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		time.Sleep(5 * time.Millisecond) // what is measured is the pickup by an idle worker: let it go idle
		b.StartTimer()
		i++
		t0 := time.Now()
		if err := q.Enqueue(ctx, execution.Job{ExecutionID: "p" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
		pickups = append(pickups, (<-started).Sub(t0))
	}
	cancel()
	if err := <-runErr; err != nil {
		b.Error(err)
	}
	slices.Sort(pickups)
	pct := func(p float64) float64 {
		return float64(pickups[int(p*float64(len(pickups)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "pickup-p50-ms")
	b.ReportMetric(pct(0.99), "pickup-p99-ms")
}
