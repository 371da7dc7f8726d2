// The Redis broker across processes, through a Redis outage, and what idle subscribers cost.

package redisstream_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"livecode/internal/stream"
	"livecode/internal/stream/redisstream"
	"livecode/internal/stream/streamtest"
	"livecode/internal/testsvc"
)

// TestAcrossBrokers publishes through one broker (a worker) and reads through another (an
// API server), each with its own connections, as two processes would.
func TestAcrossBrokers(t *testing.T) {
	t.Parallel()
	url := testsvc.Redis(t)
	cfg := redisstream.Config{Prefix: testsvc.QueueName(t) + ":"}
	worker, api := newBroker(t, url, cfg), newBroker(t, url, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topic := stream.ExecutionTopic("across")
	s, err := api.Subscribe(ctx, topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := []string{"a", "b", "c"}
	for _, d := range want {
		if err := worker.Publish(ctx, topic, stream.Event{Type: stream.TypeStdout, Data: d}); err != nil {
			t.Fatal(err)
		}
	}
	if err := worker.Publish(ctx, topic, stream.Event{Type: stream.TypeResult, Data: "{}"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		events, err := s.Next(ctx)
		for _, e := range events {
			got = append(got, e.Data)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
	}
	if len(got) != 4 || got[0] != "a" || got[1] != "b" || got[2] != "c" || got[3] != "{}" {
		t.Fatalf("got %q, want a b c {}", got)
	}
	if err := api.SendControl(ctx, "across", stream.Control{Type: stream.ControlStdin, Data: "hi\n"}); err != nil {
		t.Fatal(err)
	}
	lctx, lcancel := context.WithCancel(ctx)
	defer lcancel()
	ch, err := worker.Controls(lctx, "across")
	if err != nil {
		t.Fatal(err)
	}
	if c := <-ch; c.Type != stream.ControlStdin || c.Data != "hi\n" {
		t.Fatalf("control = %+v, want stdin hi", c)
	}
}

// TestOutage stops and pauses Redis: calls fail within a bound instead of hanging, and a
// subscriber resumes where it was once Redis is back.
func TestOutage(t *testing.T) {
	t.Parallel()
	srv := testsvc.StartRedis(t)
	const opTimeout = 300 * time.Millisecond
	b := newBroker(t, srv.URL(), redisstream.Config{OpTimeout: opTimeout, PollInterval: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	topic := stream.ExecutionTopic("outage")
	s, err := b.Subscribe(ctx, topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	publish := func(data string) error {
		return b.Publish(ctx, topic, stream.Event{Type: stream.TypeStdout, Data: data})
	}
	if err := publish("before"); err != nil {
		t.Fatal(err)
	}
	if events, err := s.Next(ctx); err != nil || events[0].Data != "before" {
		t.Fatalf("Next = %+v, %v", events, err)
	}

	outages := []struct {
		name       string
		start, end func()
	}{{"stopped", srv.Stop, srv.Start}, {"paused", srv.Pause, srv.Resume}}
	for _, o := range outages {
		o.start()
		begin := time.Now()
		err := publish("lost")
		if !errors.Is(err, stream.ErrUnavailable) {
			t.Fatalf("%s: Publish = %v, want ErrUnavailable", o.name, err)
		}
		if d := time.Since(begin); d > opTimeout+2*time.Second { // slack for a slow, loaded host
			t.Fatalf("%s: Publish took %v to fail (OpTimeout %v)", o.name, d, opTimeout)
		}
		o.end()
		testsvc.Eventually(t, 10*time.Second, o.name+": Publish succeeds after Redis came back", func() bool {
			return publish("after "+o.name) == nil
		})
		for {
			events, err := s.Next(ctx)
			if errors.Is(err, stream.ErrUnavailable) {
				continue // a read raced the outage; the cursor is kept
			}
			if err != nil {
				t.Fatalf("%s: Next after the outage: %v", o.name, err)
			}
			if last := events[len(events)-1]; last.Data == "after "+o.name {
				break
			}
		}
	}
}

// TestIdleSubscribersShareOneConnection opens 1000 idle subscriptions: they must not hold a
// Redis connection each.
func TestIdleSubscribersShareOneConnection(t *testing.T) {
	url := testsvc.Redis(t)
	rdb := client(t, url)
	b := redisstream.New(rdb, redisstream.Config{Prefix: testsvc.QueueName(t) + ":"})
	defer b.Close()
	conns := 0
	idle := streamtest.IdleMemory(t, b, 1000, func() { conns = int(rdb.PoolStats().TotalConns) })
	t.Logf("%v; %d Redis connections in the pool (plus one Pub/Sub)", idle, conns)
	if conns > 30 {
		t.Errorf("1000 idle subscriptions hold %d Redis connections", conns)
	}
	lat := streamtest.MeasureLatency(t, b, 2000)
	t.Log(lat)
	if lat.P99 > 100*time.Millisecond {
		t.Errorf("p99 latency %v", lat.P99)
	}
}

func BenchmarkLatency(b *testing.B) {
	url := testsvc.Redis(b)
	broker := newBroker(b, url, redisstream.Config{})
	lat := streamtest.MeasureLatency(b, broker, max(b.N, 100))
	b.ReportMetric(float64(lat.P50.Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat.P99.Nanoseconds())/1e3, "p99-µs")
}
