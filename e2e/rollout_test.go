// Graceful rollouts: SIGTERM on one of two API servers ends its live streams with a reconnect
// hint, and a client that fails over to the other server resumes from its last event id without
// losing or repeating any event.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// rolloutProgram prints numbered lines for a few seconds, long enough to outlive one server.
const rolloutProgram = "import time\nfor i in range(30):\n    print('line', i, flush=True)\n    time.sleep(0.1)\n"

func rolloutOutput() string {
	var b strings.Builder
	for i := range 30 {
		b.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	return b.String()
}

func TestRollingRestartStreams(t *testing.T) {
	env := distributedEnv(t)
	a, b := start(t, "api", env...), start(t, "api", env...)
	start(t, "worker", append(env, "WORKERS=2", "SANDBOX_UID_BASE=92100")...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	sid := newSession(t, a.URL, "python", rolloutProgram)
	sse := run(t, a.URL, sid, map[string]any{"time_limit_ms": 30000})
	ws := run(t, a.URL, sid, map[string]any{"time_limit_ms": 30000})
	// A one-call run in flight on the server that stops: it must be answered, not cut.
	inflight := make(chan int, 1)
	go func() {
		code, _ := post(t, a.URL+"/run", map[string]any{"language": "python", "code": "import time\ntime.sleep(1)\nprint(1)",
			"wait_ms": 20000}, nil)
		inflight <- code
	}()

	sseFirst := readSSE(ctx, t, a.URL+"/executions/"+sse+"/events", 0, 3)
	wsFirst, wsClose := readWS(ctx, t, a.URL, ws, 0, 3)
	a.cmd.Process.Signal(syscall.SIGTERM)

	// The SSE stream ends with the going-away hint; the rest comes from the other server.
	if !sseFirst.wait(ctx, t).hinted {
		t.Errorf("SSE stream cut by the shutdown has no retry: hint; events %v", sseFirst.ids)
	}
	first := sseFirst.wait(ctx, t)
	rest := readSSE(ctx, t, b.URL+"/executions/"+sse+"/events", first.last(), 0).wait(ctx, t)
	checkResumed(t, "SSE", first, rest)

	wsDone := wsFirst.wait(ctx, t)
	if code := websocket.CloseStatus(<-wsClose); code != websocket.StatusGoingAway {
		t.Errorf("WebSocket cut by the shutdown closed with %d, want %d (going away)", code, websocket.StatusGoingAway)
	}
	wsRest, _ := readWS(ctx, t, b.URL, ws, wsDone.last(), 0)
	checkResumed(t, "WebSocket", wsDone, wsRest.wait(ctx, t))

	select {
	case code := <-inflight:
		if code != 200 && code != 202 {
			t.Errorf("one-call run in flight at SIGTERM: %d, want 200 or 202", code)
		}
	case <-ctx.Done():
		t.Fatal("one-call run in flight at SIGTERM got no answer")
	}
	if code := a.stop(); code != 0 {
		t.Errorf("API server exited %d after SIGTERM", code)
	}
	if _, err := http.Get(a.URL + "/healthz"); err == nil {
		t.Error("stopped API server still accepts connections")
	}
}

// streamRead is what one connection to a stream delivered.
type streamRead struct {
	ids    []int64
	stdout string
	result string // the result event's status, "" when none came
	hinted bool   // an SSE retry: line came after the first event
	done   chan struct{}
}

func (r *streamRead) wait(ctx context.Context, t *testing.T) *streamRead {
	t.Helper()
	select {
	case <-r.done:
		return r
	case <-ctx.Done():
		t.Fatalf("stream did not end; ids %v", r.ids)
		return nil
	}
}

func (r *streamRead) last() int64 {
	if len(r.ids) == 0 {
		return 0
	}
	return r.ids[len(r.ids)-1]
}

// add records one event; it returns true once the stream's result has come.
func (r *streamRead) add(t *testing.T, id int64, typ string, data json.RawMessage) bool {
	if id > 0 {
		r.ids = append(r.ids, id)
	}
	switch typ {
	case "stdout":
		var c chunk
		if err := json.Unmarshal(data, &c); err != nil {
			t.Error(err)
		}
		r.stdout += c.Data
	case "result":
		var res liveResult
		if err := json.Unmarshal(data, &res); err != nil {
			t.Error(err)
		}
		r.result = res.Status
		return true
	}
	return false
}

// checkResumed: the two connections together gave every event once, in order, and the result.
func checkResumed(t *testing.T, kind string, first, rest *streamRead) {
	t.Helper()
	if rest.result == "" && first.result != "" {
		t.Logf("%s: the run ended before the shutdown cut its stream", kind)
	}
	ids := append(append([]int64{}, first.ids...), rest.ids...)
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("%s: event ids across the two servers %v, want 1..%d without gap or repeat", kind, ids, len(ids))
		}
	}
	if got := first.stdout + rest.stdout; got != rolloutOutput() {
		t.Errorf("%s: stdout across the two servers %q, want %q", kind, got, rolloutOutput())
	}
	if status := rest.result + first.result; status != "COMPLETED" {
		t.Errorf("%s: result %q, want COMPLETED", kind, status)
	}
	if len(first.ids) == 0 || len(rest.ids) == 0 {
		t.Errorf("%s: %d events before the shutdown, %d after: the failover was not exercised", kind, len(first.ids), len(rest.ids))
	}
}

// readSSE follows an SSE stream from after lastID in the background, and returns once min events
// have come (0: at once).
func readSSE(ctx context.Context, t *testing.T, url string, lastID int64, min int) *streamRead {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if lastID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(lastID, 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", url, err, resp)
	}
	r := &streamRead{done: make(chan struct{})}
	got := make(chan struct{}, 1024)
	go func() {
		defer close(r.done)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		var id int64
		var typ string
		var data json.RawMessage
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" && typ != "":
				ended := r.add(t, id, typ, data)
				got <- struct{}{}
				id, typ, data = 0, "", nil
				if ended {
					return
				}
			case strings.HasPrefix(line, "retry: ") && len(r.ids) > 0:
				r.hinted = true
			case strings.HasPrefix(line, "id: "):
				id, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				typ = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = json.RawMessage(line[6:])
			}
		}
	}()
	awaitEvents(ctx, t, got, r.done, min)
	return r
}

// readWS follows an execution's WebSocket from after lastID, like readSSE; closed gets the
// error that ended the connection.
func readWS(ctx context.Context, t *testing.T, base, id string, lastID int64, min int) (*streamRead, <-chan error) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(base, "http") + "/executions/" + id + "/ws"
	if lastID > 0 {
		url += "?last_event_id=" + strconv.FormatInt(lastID, 10)
	}
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(16 << 20)
	r := &streamRead{done: make(chan struct{})}
	got, closed := make(chan struct{}, 1024), make(chan error, 1)
	go func() {
		defer close(r.done)
		defer c.CloseNow()
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				closed <- err
				return
			}
			var m struct {
				Seq  int64           `json:"seq"`
				Type string          `json:"type"`
				Data json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Error(err)
			}
			r.add(t, m.Seq, m.Type, m.Data)
			got <- struct{}{}
		}
	}()
	awaitEvents(ctx, t, got, r.done, min)
	return r, closed
}

func awaitEvents(ctx context.Context, t *testing.T, got <-chan struct{}, done <-chan struct{}, min int) {
	t.Helper()
	for n := 0; n < min; n++ {
		select {
		case <-got:
		case <-done:
			t.Fatalf("stream ended after %d events, before %d", n, min)
		case <-ctx.Done():
			t.Fatal(errors.New("no events"))
		}
	}
}
