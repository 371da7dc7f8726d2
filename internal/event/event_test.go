// The wire format of live events, byte for byte: clients parse it.

package event

import (
	"context"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/stream"
	"livecode/internal/stream/memstream"
)

func TestWireFormat(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
	e := execution.Execution{ID: "e1", SessionID: "s1"}
	tests := []struct {
		name string
		got  stream.Event
		want string
	}{
		{"queued", Status(e, execution.StatusQueued, 0, at),
			`{"execution_id":"e1","session_id":"s1","status":"QUEUED","at":"2026-01-02T02:04:05.000000006Z"}`},
		{"running", Status(e, execution.StatusRunning, 2, at),
			`{"execution_id":"e1","session_id":"s1","status":"RUNNING","attempt":2,"at":"2026-01-02T02:04:05.000000006Z"}`},
		{"dropped", Dropped("e1", 7), `{"execution_id":"e1","bytes":7}`},
	}
	for _, tt := range tests {
		if tt.got.Data != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got.Data, tt.want)
		}
	}
	wire := []struct {
		id   string
		ev   stream.Event
		want string
	}{
		{"e1", stream.Event{Type: stream.TypeStdout, Data: "a\"b"}, `{"execution_id":"e1","data":"a\"b"}`},
		{"", stream.Event{Type: stream.TypeStdout, Data: `{"execution_id":"e1", "data":"x"}`}, `{"execution_id":"e1","data":"x"}`},
		{"e1", stream.Event{Type: stream.TypeStatus, Data: "{\n \"a\": 1}"}, `{"a":1}`},
		{"e1", stream.Event{Type: "other", Data: "not json"}, `"not json"`},
	}
	for _, tt := range wire {
		if got := string(Wire(tt.id, tt.ev)); got != tt.want {
			t.Errorf("Wire(%q, %v) = %s, want %s", tt.id, tt.ev, got, tt.want)
		}
	}
}

type getter map[string]execution.Execution

func (g getter) GetExecution(_ context.Context, id string) (execution.Execution, error) {
	return g[id], nil
}

func TestPublishBothTopics(t *testing.T) {
	t.Parallel()
	b := memstream.New(memstream.Config{})
	defer b.Close()
	ctx := context.Background()
	if err := Publish(ctx, b, "e1", "s1", stream.Event{Type: stream.TypeStderr, Data: "x"}); err != nil {
		t.Fatal(err)
	}
	g := getter{"e1": {ID: "e1", SessionID: "s1", Status: execution.StatusCompleted}}
	if err := PublishResult(ctx, b, g, "e1"); err != nil {
		t.Fatal(err)
	}
	if err := PublishResult(ctx, b, g, "e1"); err != nil { // already final: nothing more, no error
		t.Fatal(err)
	}
	want, _ := ResultJSON(g["e1"])
	for _, tc := range []struct {
		topic string
		want  []string
	}{
		{stream.ExecutionTopic("e1"), []string{"x", string(want)}},
		{stream.SessionTopic("s1"), []string{`{"execution_id":"e1","data":"x"}`, string(want)}},
	} {
		last, err := b.Last(ctx, tc.topic)
		if err != nil || last.Seq != int64(len(tc.want)) || last.Data != tc.want[len(tc.want)-1] {
			t.Errorf("%s: last %+v %v, want %d events ending %s", tc.topic, last, err, len(tc.want), tc.want[len(tc.want)-1])
		}
	}
}
