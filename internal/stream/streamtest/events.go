// Suite cases about publishing and subscribing to events.

package streamtest

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"livecode/internal/stream"
)

func testOrder(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.ExecutionTopic(newID())
	want := append(outputs(300), result())
	for i := 0; i < len(want); i += 7 { // batches of several sizes
		publish(t, b, topic, want[i:min(i+7, len(want))]...)
	}
	checkSeq(t, readAll(t, subscribe(t, b, topic, 0)), want, 1)
	last, err := b.Last(ctxFor(t), topic)
	if err != nil || last.Seq != int64(len(want)) || last.Type != stream.TypeResult {
		t.Fatalf("Last = %+v, %v; want seq %d of type result", last, err, len(want))
	}
}

func testReplay(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	want := outputs(40)
	cases := []struct {
		name  string
		after int64
	}{{"from the start", 0}, {"from the last seen", 20}, {"from the middle", 13}, {"from the newest", 40}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			topic := stream.ExecutionTopic(newID())
			live := subscribe(t, b, topic, 0) // before anything is published
			publish(t, b, topic, want[:20]...)
			checkSeq(t, readN(t, live, 20), want[:20], 1)
			_ = live.Close() // the client goes away, events go on
			publish(t, b, topic, want[20:]...)

			s := subscribe(t, b, topic, tc.after)
			got := readN(t, s, int(40-tc.after))
			checkSeq(t, got, want[tc.after:], tc.after+1)
			publish(t, b, topic, stream.Event{Type: stream.TypeStdout, Data: tc.name})
			next := readN(t, s, 1)
			if len(next) != 1 || next[0].Seq != 41 || next[0].Data != tc.name {
				t.Fatalf("live events after replay = %+v, want seq 41 %q", next, tc.name)
			}
		})
	}
}

func testLateSubscriber(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.ExecutionTopic(newID())
	want := append(outputs(40), result())
	publish(t, b, topic, want...)
	checkSeq(t, readAll(t, subscribe(t, b, topic, 0)), want, 1)
	checkSeq(t, readAll(t, subscribe(t, b, topic, 39)), want[39:], 40)
}

func testConcurrentSubscribers(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.ExecutionTopic(newID())
	want := append(outputs(400), result())
	const subscribers = 50
	var wg sync.WaitGroup
	errs := make(chan error, subscribers)
	publish(t, b, topic, want[:100]...)
	for i := range subscribers {
		after := int64(i * 2) // some replay, all of them get live events
		s := subscribe(t, b, topic, after)
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			next := after + 1
			for {
				events, err := s.Next(ctx)
				for _, e := range events {
					if e.Seq != next || e.Data != want[next-1].Data {
						errs <- errors.New("subscriber got " + e.Data + " out of order")
						return
					}
					next++
				}
				if errors.Is(err, io.EOF) {
					if next != int64(len(want))+1 {
						errs <- errors.New("subscriber ended early")
					}
					return
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := 100; i < len(want); i += 10 {
		publish(t, b, topic, want[i:min(i+10, len(want))]...)
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testEndsAfterResult(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.ExecutionTopic(newID())
	s := subscribe(t, b, topic, 0)
	publish(t, b, topic, stream.Event{Type: stream.TypeStatus, Data: `{"status":"RUNNING"}`}, result())
	if got := readAll(t, s); len(got) != 2 {
		t.Fatalf("got %d events before the end, want 2", len(got))
	}
	if _, err := s.Next(ctxFor(t)); !errors.Is(err, io.EOF) {
		t.Fatalf("Next after the end = %v, want io.EOF", err)
	}
	err := b.Publish(ctxFor(t), topic, stream.Event{Type: stream.TypeStdout, Data: "late"})
	if !errors.Is(err, stream.ErrFinished) {
		t.Fatalf("Publish after the result = %v, want ErrFinished", err)
	}
}

func testSessionTopic(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.SessionTopic(newID())
	s := subscribe(t, b, topic, 0)
	want := []stream.Event{result(), {Type: stream.TypeStatus, Data: "second run"}, result()}
	publish(t, b, topic, want...)
	checkSeq(t, readN(t, s, 3), want, 1)
}

func testContextEnds(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.ExecutionTopic(newID())
	ctx, cancel := context.WithCancel(context.Background())
	s, err := b.Subscribe(ctx, topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	if _, err := s.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next with an expiring context = %v, want DeadlineExceeded", err)
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if _, err := s.Next(context.Background()); err == nil {
		t.Fatal("Next after the Subscribe context ended returned no error")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Next took %v to notice its Subscribe context ended", d)
	}
}
