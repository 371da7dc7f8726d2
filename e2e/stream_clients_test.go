// End-to-end tests of live-output clients: reconnecting, watching a session, stalling, typing, cancelling.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// checkReconnect drops a connection mid-run and resumes with Last-Event-ID: nothing is lost or repeated.
func checkReconnect(t *testing.T, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := "import time\nfor i in range(20):\n    print(i, flush=True)\n    time.sleep(0.04)\n"
	id := run(t, base, newSession(t, base, "python", code), nil)
	url := base + "/executions/" + id + "/events"
	first, stop := context.WithCancel(ctx)
	var events []liveEvent
	for ev := range openSSE(first, t, url, 0) {
		events = append(events, ev)
		if len(outputs(t, events)) > 0 && len(events) >= 5 {
			break
		}
	}
	stop()
	last := events[len(events)-1].ID
	events = append(events, collect(ctx, t, openSSE(ctx, t, url, last))...)
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("ids not contiguous after reconnecting at %d:%s", last, describe(events))
		}
	}
	var want strings.Builder
	for i := range 20 {
		fmt.Fprintf(&want, "%d\n", i)
	}
	if got := strings.Join(outputs(t, events), ""); got != "stdout:"+want.String() {
		t.Errorf("output %q", got)
	}
	if r := result(t, events); r.Status != "COMPLETED" || r.Stdout != want.String() {
		t.Errorf("result %+v", r)
	}
}

// checkSession watches a session while two executions run one after the other.
func checkSession(t *testing.T, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sid := newSession(t, base, "python", "print('first')")
	ch := openSSE(ctx, t, base+"/code-sessions/"+sid+"/events", 0)
	id1 := run(t, base, sid, nil)
	await(ctx, t, base, id1)
	var body struct {
		SessionID string `json:"sessionId"`
		Code      string `json:"code"`
	}
	body.SessionID, body.Code = sid, "print('second')"
	var r struct {
		ID string `json:"executionId"`
	}
	if status := call(t, "POST", base+"/executions", body, &r); status != 202 {
		t.Fatalf("submit: %d", status)
	}
	got := map[string]string{} // execution id → its stdout, from chunks
	results := 0
	for results < 2 {
		select {
		case ev := <-ch:
			switch ev.Type {
			case "stdout":
				var c chunk
				_ = json.Unmarshal(ev.Data, &c)
				got[c.ExecutionID] += c.Data
			case "result":
				results++
			}
		case <-ctx.Done():
			t.Fatalf("session stream: %d results, chunks %v", results, got)
		}
	}
	if got[id1] != "first\n" || got[r.ID] != "second\n" {
		t.Errorf("chunks by execution %v, want %s: first, %s: second", got, id1, r.ID)
	}
}

// stall opens an event stream on a connection that never reads, with a small receive buffer.
func stall(t *testing.T, base, path string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: livecode\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
}

// checkStalled floods 2 MiB of output while clients that never read watch it: the run takes
// about as long as without them and its stored result is complete.
func checkStalled(t *testing.T, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := "import sys\nfor i in range(32):\n    sys.stdout.write('x' * 65536)\nsys.stdout.flush()\n"
	limits := map[string]any{"output_limit_bytes": 4 << 20, "time_limit_ms": 20000}
	timed := func(stalled int) int64 {
		sid := newSession(t, base, "python", code)
		for range stalled / 2 {
			stall(t, base, "/code-sessions/"+sid+"/events")
		}
		id := run(t, base, sid, limits)
		for range stalled - stalled/2 {
			stall(t, base, "/executions/"+id+"/events")
		}
		live := openSSE(ctx, t, base+"/executions/"+id+"/events", 0)
		var e struct {
			Status          string `json:"status"`
			Stdout          string `json:"stdout"`
			ExecutionTimeMS int64  `json:"execution_time_ms"`
		}
		await(ctx, t, base, id)
		call(t, "GET", base+"/executions/"+id, nil, &e)
		if e.Status != "COMPLETED" || len(e.Stdout) != 32*65536 {
			t.Errorf("with %d stalled clients: %s, %d bytes stored", stalled, e.Status, len(e.Stdout))
		}
		if r := result(t, collect(ctx, t, live)); r.Status != "COMPLETED" {
			t.Errorf("a reading client got %+v", r.Status)
		}
		return e.ExecutionTimeMS
	}
	alone := timed(0)
	crowded := timed(20)
	t.Logf("2 MiB flood: %d ms alone, %d ms with 20 stalled clients", alone, crowded)
	// Stalled clients that held the run would make it last its whole time limit; the slack is for
	// a loaded host, where the two timings are taken apart.
	if crowded > 3*alone+timeGrace.Milliseconds() {
		t.Errorf("stalled clients slowed the run: %d ms vs %d ms", crowded, alone)
	}
	if status := call(t, "GET", base+"/healthz", nil, nil); status != 200 {
		t.Errorf("healthz after stalled clients: %d", status)
	}
}

// checkStdin runs a program that reads a line and echoes it, typing the line over the WebSocket.
func checkStdin(t *testing.T, submit, watch string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := run(t, submit, newSession(t, submit, "python", "name = input()\nprint('hello ' + name, flush=True)\nimport sys\nprint(len(sys.stdin.read()))"), map[string]any{"interactive": true})
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(watch, "http")+"/executions/"+id+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(m map[string]string) {
		b, _ := json.Marshal(m)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	send(map[string]string{"type": "stdin", "data": "world\n"})
	var events []liveEvent
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			break // closed after the result
		}
		var ev liveEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
		if ev.Type == "stdout" && strings.Contains(string(ev.Data), "hello world") {
			send(map[string]string{"type": "stdin", "data": "abc"})
			send(map[string]string{"type": "close_stdin"})
		}
	}
	if got := strings.Join(outputs(t, events), ""); got != "stdout:hello world\n3\n" {
		t.Errorf("output %q:%s", got, describe(events))
	}
	if r := result(t, events); r.Status != "COMPLETED" || r.Stdout != "hello world\n3\n" {
		t.Errorf("result %+v", r)
	}
}

// checkCancel stops a sleep loop, through POST /cancel or the WebSocket, and expects CANCELLED fast.
func checkCancel(t *testing.T, submit, watch string, viaSocket bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := "import time\nwhile True:\n    print('tick', flush=True)\n    time.sleep(0.1)\n"
	id := run(t, submit, newSession(t, submit, "python", code), map[string]any{"time_limit_ms": 20000})
	ch := openSSE(ctx, t, watch+"/executions/"+id+"/events", 0)
	var events []liveEvent
	for ev := range ch {
		events = append(events, ev)
		if ev.Type == "stdout" {
			break
		}
	}
	start := time.Now()
	if viaSocket {
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(watch, "http")+"/executions/"+id+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"cancel"}`)); err != nil {
			t.Fatal(err)
		}
	} else if status := call(t, "POST", submit+"/executions/"+id+"/cancel", nil, nil); status != 202 {
		t.Fatalf("cancel: %d", status)
	}
	events = append(events, collect(ctx, t, ch)...)
	took := time.Since(start)
	r := result(t, events)
	if r.Status != "CANCELLED" || r.Reason != "cancelled" {
		t.Errorf("result %+v", r)
	}
	if took > timeGrace { // the program would sleep far longer: the cancel ended it
		t.Errorf("cancel took %v", took)
	}
	// The stored result keeps what the program wrote before it was stopped.
	if e := await(ctx, t, submit, id); e.Status != "CANCELLED" || !strings.HasPrefix(e.Stdout, "tick") {
		t.Errorf("stored %+v", e)
	}
	if status := call(t, "POST", submit+"/executions/"+id+"/cancel", nil, nil); status != 409 {
		t.Errorf("second cancel: %d, want 409", status)
	}
	t.Logf("cancel to result event: %v", took)
}
