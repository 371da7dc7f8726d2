// Suite cases about stalled readers, controls and topic lifetime.

package streamtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"livecode/internal/stream"
)

// heapAlloc returns the live heap after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// testStalledSubscriber publishes 64 MiB past a subscriber that never reads: Publish must not
// wait for it and the process's memory must not grow with the volume; when it reads at last,
// it is told what it missed and gets the retained rest in order.
func testStalledSubscriber(t *testing.T, open Open) {
	b := setup(t, open, Config{Retain: 256})
	topic := stream.ExecutionTopic(newID())
	stalled := subscribe(t, b, topic, 0)
	const batches, perBatch, chunk = 320, 50, 4096 // 64 MiB in all
	before := heapAlloc()
	start := time.Now()
	for i := range batches {
		events := make([]stream.Event, perBatch)
		for j := range events {
			events[j] = stream.Event{Type: stream.TypeStdout, Data: fmt.Sprintf("%08d", i*perBatch+j) + strings.Repeat("x", chunk-8)}
		}
		publish(t, b, topic, events...)
	}
	publish(t, b, topic, result())
	elapsed := time.Since(start)
	after := heapAlloc()
	growth := int64(after) - int64(before)
	t.Logf("published 64 MiB past a stalled subscriber in %v; heap grew by %d KiB", elapsed, growth/1024)
	if elapsed > 20*time.Second {
		t.Errorf("publishing past a stalled subscriber took %v", elapsed)
	}
	if growth > 24<<20 {
		t.Errorf("heap grew by %d MiB while a subscriber stalled", growth>>20)
	}

	got := readAll(t, stalled)
	if len(got) < 2 || got[0].Type != stream.TypeGap {
		t.Fatalf("stalled subscriber's first event = %+v, want a gap", got[0])
	}
	var gap stream.GapData
	if err := json.Unmarshal([]byte(got[0].Data), &gap); err != nil || gap.From != 1 || gap.To != got[0].Seq {
		t.Fatalf("gap data %q (%v), want from 1 to %d", got[0].Data, err, got[0].Seq)
	}
	for i, e := range got[1:] {
		if e.Seq != gap.To+1+int64(i) {
			t.Fatalf("after the gap, event %d has seq %d, want %d", i, e.Seq, gap.To+1+int64(i))
		}
	}
	if n := len(got) - 1; n > 2000 {
		t.Errorf("stalled subscriber got %d retained events, more than the bound allows", n)
	}
	if last := got[len(got)-1]; last.Type != stream.TypeResult || last.Seq != batches*perBatch+1 {
		t.Fatalf("last event = seq %d %s, want the result at %d", last.Seq, last.Type, batches*perBatch+1)
	}
}

func testControls(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	id := newID()
	var want []stream.Control
	send := func(c stream.Control) {
		t.Helper()
		if err := b.SendControl(ctxFor(t), id, c); err != nil {
			t.Fatalf("SendControl(%+v): %v", c, err)
		}
		want = append(want, c)
	}
	for i := range 3 { // before the worker listens
		send(stream.Control{Type: stream.ControlStdin, Data: fmt.Sprintf("early %d\n", i)})
	}
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	ch, err := b.Controls(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		send(stream.Control{Type: stream.ControlStdin, Data: fmt.Sprintf("line %d\n", i)})
	}
	send(stream.Control{Type: stream.ControlCloseStdin})
	send(stream.Control{Type: stream.ControlCancel})
	timeout := time.After(wait)
	for i, w := range want {
		select {
		case c := <-ch:
			if c != w {
				t.Fatalf("control %d = %+v, want %+v", i, c, w)
			}
		case <-timeout:
			t.Fatalf("got %d of %d controls", i, len(want))
		}
	}
}

func testControlsStop(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	ctx, cancel := context.WithCancel(ctxFor(t))
	ch, err := b.Controls(ctx, newID())
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("a control arrived that nobody sent")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Controls channel still open 5 s after its context ended")
	}
}

func testExpiry(t *testing.T, open Open) {
	const ttl = 500 * time.Millisecond
	b := setup(t, open, Config{FinalTTL: ttl})
	id := newID()
	exec, sess := stream.ExecutionTopic(id), stream.SessionTopic(id)
	for _, topic := range []string{exec, sess} {
		publish(t, b, topic, append(outputs(3), result())...)
	}
	published := time.Now()
	if _, err := b.Last(ctxFor(t), exec); err != nil {
		t.Fatalf("Last right after the result: %v", err)
	}
	for {
		_, err := b.Last(ctxFor(t), exec)
		if errors.Is(err, stream.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(published) > ttl+5*time.Second {
			t.Fatalf("topic still there %v after its final event (TTL %v)", time.Since(published), ttl)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if d := time.Since(published); d < ttl-50*time.Millisecond {
		t.Fatalf("topic expired after %v, before its TTL %v", d, ttl)
	}
	if _, err := b.Last(ctxFor(t), sess); err != nil {
		t.Fatalf("the session topic (no final event) expired with the execution's: %v", err)
	}
}

func testDeleteAndLast(t *testing.T, open Open) {
	b := setup(t, open, Config{})
	topic := stream.ExecutionTopic(newID())
	if _, err := b.Last(ctxFor(t), topic); !errors.Is(err, stream.ErrNotFound) {
		t.Fatalf("Last of an unknown topic = %v, want ErrNotFound", err)
	}
	publish(t, b, topic, outputs(5)...)
	if e, err := b.Last(ctxFor(t), topic); err != nil || e.Seq != 5 || e.Data != "line 5\n" {
		t.Fatalf("Last = %+v, %v; want seq 5", e, err)
	}
	if err := b.Delete(ctxFor(t), topic); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Last(ctxFor(t), topic); !errors.Is(err, stream.ErrNotFound) {
		t.Fatalf("Last of a deleted topic = %v, want ErrNotFound", err)
	}
	if err := b.Delete(ctxFor(t), topic); err != nil {
		t.Fatalf("Delete of a deleted topic: %v", err)
	}
}
