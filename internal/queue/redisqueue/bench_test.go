// Benchmark of Enqueue, the one queue call on a run request's path.
package redisqueue_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/testsvc"
)

func BenchmarkEnqueue(b *testing.B) {
	url := testsvc.Redis(b)
	name := testsvc.QueueName(b)
	q, err := redisqueue.New(redisqueue.Config{URL: url, Name: name, Capacity: 1 << 30, PollInterval: time.Second})
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
