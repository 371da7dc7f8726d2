// Tests of a run's live events and controls, through the in-process broker.

package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/sandbox"
	"livecode/internal/store"
	"livecode/internal/stream"
	"livecode/internal/stream/memstream"
)

// readTopic returns every event of a topic up to its final one, or what is there after wait.
func readTopic(t *testing.T, b stream.Broker, topic string, wait time.Duration) []stream.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	sub, err := b.Subscribe(ctx, topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var out []stream.Event
	for {
		events, err := sub.Next(ctx)
		out = append(out, events...)
		if err != nil {
			return out
		}
	}
}

func types(events []stream.Event) string {
	var s []string
	for _, e := range events {
		s = append(s, e.Type+":"+e.Data)
	}
	return strings.Join(s, " | ")
}

func TestLiveEventsInWriteOrderThenResult(t *testing.T) {
	t.Parallel()
	b := setup(t)
	broker := memstream.New(memstream.Config{})
	defer broker.Close()
	w := New(b.store, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		s.Output(sandbox.Stdout, []byte("a"))
		s.Output(sandbox.Stdout, []byte("b")) // coalesced with "a"
		s.Output(sandbox.Stderr, []byte("c"))
		time.Sleep(20 * time.Millisecond) // a program that pauses past the flush interval: "d" is published on its own
		s.Output(sandbox.Stdout, []byte("d"))
		return completed("abd"), nil
	}), langs{}, Config{ID: "w", Broker: broker})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	events := readTopic(t, broker, stream.ExecutionTopic(b.exec.ID), time.Second)
	if len(events) != 5 || events[0].Type != stream.TypeStatus || !strings.Contains(events[0].Data, `"RUNNING"`) ||
		events[1].Data != "ab" || events[2].Type != stream.TypeStderr || events[2].Data != "c" || events[3].Data != "d" ||
		events[4].Type != stream.TypeResult || !strings.Contains(events[4].Data, `"COMPLETED"`) {
		t.Fatalf("execution topic: %s", types(events))
	}
	sess := readTopic(t, broker, stream.SessionTopic(b.exec.SessionID), 100*time.Millisecond)
	var c event.ChunkData
	if len(sess) != 5 || json.Unmarshal([]byte(sess[1].Data), &c) != nil || c.ExecutionID != b.exec.ID || c.Data != "ab" {
		t.Fatalf("session topic: %s", types(sess))
	}
}

func TestCancelControlStopsTheRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	broker := memstream.New(memstream.Config{})
	defer broker.Close()
	started := make(chan struct{})
	w := New(b.store, runnerFunc(func(ctx context.Context, _ sandbox.Spec) (execution.Result, error) {
		close(started)
		<-ctx.Done()
		return execution.Result{Status: execution.StatusCancelled, Reason: execution.ReasonCancelled}, ctx.Err()
	}), langs{}, Config{ID: "w", Broker: broker, Lease: time.Minute})
	done := make(chan error, 1)
	go func() {
		done <- w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}})
	}()
	<-started
	at := time.Now()
	if err := broker.SendControl(context.Background(), b.exec.ID, stream.Control{Type: stream.ControlCancel}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Handle: %v; a cancel is not an infrastructure error", err)
	}
	if took := time.Since(at); took > 5*time.Second { // the program would sleep far longer; slack for a slow host
		t.Errorf("cancel took %v", took)
	}
	w.Wait()
	if e := get(t, b); e.Status != execution.StatusCancelled || e.Result.Reason != execution.ReasonCancelled {
		t.Errorf("stored %s %s", e.Status, e.Result.Reason)
	}
	events := readTopic(t, broker, stream.ExecutionTopic(b.exec.ID), time.Second)
	if last := events[len(events)-1]; last.Type != stream.TypeResult || !strings.Contains(last.Data, `"CANCELLED"`) {
		t.Errorf("events: %s", types(events))
	}
}

func TestInteractiveStdin(t *testing.T) {
	t.Parallel()
	b := setup(t, func(n *store.NewExecution) { n.Interactive = true })
	broker := memstream.New(memstream.Config{})
	defer broker.Close()
	for _, c := range []stream.Control{{Type: stream.ControlStdin, Data: "hello\n"}, {Type: stream.ControlStdin, Data: "rest"},
		{Type: stream.ControlCloseStdin}} {
		if err := broker.SendControl(context.Background(), b.exec.ID, c); err != nil { // sent before the run: they wait
			t.Fatal(err)
		}
	}
	w := New(b.store, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		r := bufio.NewReader(s.Stdin)
		line, err := r.ReadString('\n')
		if err != nil {
			return execution.Result{}, err
		}
		rest, err := io.ReadAll(r) // ends at close_stdin
		if err != nil {
			return execution.Result{}, err
		}
		return completed(line + "+" + string(rest)), nil
	}), langs{}, Config{ID: "w", Broker: broker})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	if e := get(t, b); e.Result.Stdout != "hello\n+rest" {
		t.Errorf("stdout %q, want %q", e.Result.Stdout, "hello\n+rest")
	}
}

func TestStdinPipeBounded(t *testing.T) {
	t.Parallel()
	p := newStdinPipe()
	if !p.write(strings.Repeat("x", maxStdinPending)) || p.write("y") {
		t.Error("a write past maxStdinPending must be refused")
	}
	p.close()
	b, err := io.ReadAll(p)
	if err != nil || len(b) != maxStdinPending || p.write("z") {
		t.Errorf("read %d bytes, err %v; writes after close must be refused", len(b), err)
	}
}
