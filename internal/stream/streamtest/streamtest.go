// The conformance suite every stream.Broker implementation passes.

// Package streamtest is the conformance suite of stream.Broker, and the measurements
// (idle subscription memory, publish-to-receive latency) its implementations report.

package streamtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"livecode/internal/stream"
)

// Config is what the suite asks of a new broker.
type Config struct {
	FinalTTL time.Duration // how long a topic lives after its final event; zero: the broker's default
	Retain   int           // history kept per topic, in events of about 1 KiB; zero: the broker's default
}

// Open returns a new broker isolated from every other broker the suite opens. The suite
// closes it when the test ends.
type Open func(t *testing.T, cfg Config) stream.Broker

// wait bounds every wait in the suite.
const wait = 10 * time.Second

// Run runs the conformance suite against the brokers open returns.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Open)
	}{
		{"Order", testOrder},
		{"LiveThenReplayAfterReconnect", testReplay},
		{"LateSubscriberGetsAll", testLateSubscriber},
		{"ConcurrentSubscribers", testConcurrentSubscribers},
		{"EndsAfterResult", testEndsAfterResult},
		{"SessionTopicDoesNotEnd", testSessionTopic},
		{"ContextEndsSubscription", testContextEnds},
		{"ControlsInOrder", testControls},
		{"ControlsListenerStops", testControlsStop},
		{"Expiry", testExpiry},
		{"DeleteAndLast", testDeleteAndLast},
	}
	// The stalled subscriber measures the heap, so it runs before the parallel cases start.
	t.Run("StalledSubscriber", func(t *testing.T) { testStalledSubscriber(t, open) })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// setup opens a broker and closes it after the test.
func setup(t *testing.T, open Open, cfg Config) stream.Broker {
	t.Helper()
	b := open(t, cfg)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// newID returns an id no other test uses.
func newID() string { return rand.Text()[:12] }

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
	t.Cleanup(cancel)
	return ctx
}

// outputs returns n stdout/stderr events, alternating, with distinct data.
func outputs(n int) []stream.Event {
	out := make([]stream.Event, n)
	for i := range out {
		typ := stream.TypeStdout
		if i%3 == 2 {
			typ = stream.TypeStderr
		}
		out[i] = stream.Event{Type: typ, Data: fmt.Sprintf("line %d\n", i+1)}
	}
	return out
}

func result() stream.Event {
	return stream.Event{Type: stream.TypeResult, Data: `{"status":"COMPLETED"}`}
}

func publish(t *testing.T, b stream.Broker, topic string, events ...stream.Event) {
	t.Helper()
	if err := b.Publish(ctxFor(t), topic, events...); err != nil {
		t.Fatalf("Publish(%s, %d events): %v", topic, len(events), err)
	}
}

func subscribe(t *testing.T, b stream.Broker, topic string, after int64) stream.Subscription {
	t.Helper()
	s, err := b.Subscribe(ctxFor(t), topic, after)
	if err != nil {
		t.Fatalf("Subscribe(%s, %d): %v", topic, after, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// readAll reads s until io.EOF and returns what it got; it fails the test on any other error
// or after wait.
func readAll(t *testing.T, s stream.Subscription) []stream.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var got []stream.Event
	for {
		events, err := s.Next(ctx)
		got = append(got, events...)
		if errors.Is(err, io.EOF) {
			return got
		}
		if err != nil {
			t.Fatalf("Next after %d events: %v", len(got), err)
		}
	}
}

// readN reads s until it has at least n events.
func readN(t *testing.T, s stream.Subscription, n int) []stream.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var got []stream.Event
	for len(got) < n {
		events, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("Next after %d of %d events: %v", len(got), n, err)
		}
		got = append(got, events...)
	}
	return got
}

// checkSeq fails the test unless got is exactly want's types and data numbered from first on.
func checkSeq(t *testing.T, got, want []stream.Event, first int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i, e := range got {
		if e.Seq != first+int64(i) || e.Type != want[i].Type || e.Data != want[i].Data {
			t.Fatalf("event %d = {%d %s %q}, want {%d %s %q}", i, e.Seq, e.Type, e.Data,
				first+int64(i), want[i].Type, want[i].Data)
		}
		if e.Time.IsZero() {
			t.Fatalf("event %d has no Time", i)
		}
	}
}
