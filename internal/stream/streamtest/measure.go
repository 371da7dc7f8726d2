// Measurements every broker reports: idle subscription memory and delivery latency.

package streamtest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"livecode/internal/stream"
)

// Idle is the memory n idle subscriptions hold, each with the goroutine that waits in Next
// (an SSE or WebSocket handler has that goroutine anyway).
type Idle struct {
	N                 int
	HeapPerSub        float64 // live heap bytes per subscription
	StackPerSub       float64 // goroutine stack bytes per subscription
	GoroutinesPerSub  float64
	BrokerConnections int // for brokers that report it; -1 when unknown
}

// String summarises the measurement in one line.
func (i Idle) String() string {
	return fmt.Sprintf("%d idle subscriptions: %.0f B heap + %.0f B stack each (%.0f KiB in all), %.1f goroutines each",
		i.N, i.HeapPerSub, i.StackPerSub, (i.HeapPerSub+i.StackPerSub)*float64(i.N)/1024, i.GoroutinesPerSub)
}

type memSample struct{ heap, stack, goroutines uint64 }

func sample() memSample {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memSample{heap: m.HeapAlloc, stack: m.StackInuse, goroutines: uint64(runtime.NumGoroutine())}
}

// IdleMemory opens n subscriptions, each to its own execution topic and with one goroutine
// blocked in Next, and measures what they hold. during, when not nil, is called while they
// are all waiting (to count connections, say). Everything is released before it returns.
func IdleMemory(tb testing.TB, b stream.Broker, n int, during func()) Idle {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	before := sample()
	subs := make([]stream.Subscription, n)
	for i := range subs {
		s, err := b.Subscribe(ctx, stream.ExecutionTopic(fmt.Sprintf("idle-%s-%d", newID(), i)), 0)
		if err != nil {
			tb.Fatalf("subscription %d: %v", i, err)
		}
		subs[i] = s
	}
	var wg sync.WaitGroup
	var waiting sync.WaitGroup
	waiting.Add(n)
	for _, s := range subs {
		wg.Go(func() {
			waiting.Done()
			_, _ = s.Next(ctx)
		})
	}
	waiting.Wait()
	time.Sleep(300 * time.Millisecond) // let each goroutine make its first read and park
	after := sample()
	if during != nil {
		during()
	}
	cancel()
	wg.Wait()
	for _, s := range subs {
		_ = s.Close()
	}
	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(n) }
	return Idle{N: n, HeapPerSub: per(after.heap, before.heap), StackPerSub: per(after.stack, before.stack),
		GoroutinesPerSub: per(after.goroutines, before.goroutines), BrokerConnections: -1}
}

// Latency is the publish-to-receive latency of events, published one at a time, each once
// the previous was received.
type Latency struct {
	N             int
	P50, P99, Max time.Duration
}

// String summarises the measurement in one line.
func (l Latency) String() string {
	return fmt.Sprintf("publish→receive over %d events: p50 %v, p99 %v, max %v", l.N, l.P50, l.P99, l.Max)
}

// MeasureLatency publishes n small stdout events to a fresh topic with one live subscriber.
func MeasureLatency(tb testing.TB, b stream.Broker, n int) Latency {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	topic := stream.ExecutionTopic("latency-" + newID())
	s, err := b.Subscribe(ctx, topic, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	lat := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		if err := b.Publish(ctx, topic, stream.Event{Type: stream.TypeStdout, Data: fmt.Sprintf("line %d\n", i)}); err != nil {
			tb.Fatal(err)
		}
		events, err := s.Next(ctx)
		if err != nil || len(events) != 1 || events[0].Seq != int64(i+1) {
			tb.Fatalf("event %d: got %+v, %v", i+1, events, err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return Latency{N: n, P50: lat[n/2], P99: lat[n*99/100], Max: lat[n-1]}
}
