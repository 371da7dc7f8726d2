// Live events the API itself publishes (QUEUED, results of runs that never ran) and their wire shapes.

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"livecode/internal/execution"
	"livecode/internal/stream"
)

// Broker is the part of stream.Broker the API uses; its errors are those stream.Broker documents.
type Broker interface {
	Publish(ctx context.Context, topic string, events ...stream.Event) error
	Subscribe(ctx context.Context, topic string, afterSeq int64) (stream.Subscription, error)
	Last(ctx context.Context, topic string) (stream.Event, error)
	SendControl(ctx context.Context, executionID string, c stream.Control) error
}

// announceWait bounds what a request waits for the broker: live events are a convenience, the
// database is the record.
const announceWait = 500 * time.Millisecond

// ResultJSON is the Data of an execution's final "result" event: the document GET
// /executions/{id} returns. It fails only if the execution cannot be encoded.
func ResultJSON(e execution.Execution) ([]byte, error) { return json.Marshal(viewExecution(e)) }

// statusData is the Data of a "status" event (the worker publishes the same shape).
type statusData struct {
	ExecutionID string    `json:"execution_id"`
	SessionID   string    `json:"session_id"`
	Status      string    `json:"status"`
	Attempt     int       `json:"attempt,omitempty"`
	At          time.Time `json:"at"`
}

// chunkData is the Data of a "stdout" or "stderr" event as clients receive it.
type chunkData struct {
	ExecutionID string `json:"execution_id"`
	Data        string `json:"data"`
}

// announceQueued publishes the QUEUED status of a new execution, before its job is queued so
// that it precedes everything a worker publishes.
func (s *server) announceQueued(ctx context.Context, e execution.Execution) {
	if s.deps.Broker == nil {
		return
	}
	b, _ := json.Marshal(statusData{ExecutionID: e.ID, SessionID: e.SessionID, Status: string(execution.StatusQueued),
		At: e.QueuedAt.UTC()}) // cannot fail: strings and a time
	s.publishBoth(ctx, e, stream.Event{Type: stream.TypeStatus, Data: string(b)})
}

// announceResult publishes the final event of an execution that ended without a worker
// finishing it (cancelled while queued, refused by the queue).
func (s *server) announceResult(ctx context.Context, id string) {
	if s.deps.Ended != nil {
		s.deps.Ended(id)
	}
	if s.deps.Broker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), announceWait)
	defer cancel()
	e, err := s.deps.Store.GetExecution(ctx, id)
	if err != nil || !e.Status.Terminal() {
		return
	}
	b, err := ResultJSON(e)
	if err != nil {
		return
	}
	s.publishBoth(ctx, e, stream.Event{Type: stream.TypeResult, Data: string(b)})
}

// publishBoth publishes ev to e's execution and session topics, logging failures.
func (s *server) publishBoth(ctx context.Context, e execution.Execution, ev stream.Event) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), announceWait)
	defer cancel()
	err := s.deps.Broker.Publish(ctx, stream.ExecutionTopic(e.ID), ev)
	if errors.Is(err, stream.ErrFinished) {
		return
	}
	if err == nil {
		err = s.deps.Broker.Publish(ctx, stream.SessionTopic(e.SessionID), ev)
	}
	if err != nil {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "live event not published", slog.String("execution_id", e.ID),
			slog.String("type", ev.Type), slog.Any("error", err))
	}
}

// wireData is the JSON a client receives as an event's data. Output chunks of an execution
// topic are bare text and get wrapped; everything else is JSON already (compacted to one line).
func wireData(executionID string, ev stream.Event) json.RawMessage {
	if executionID != "" && (ev.Type == stream.TypeStdout || ev.Type == stream.TypeStderr) {
		b, _ := json.Marshal(chunkData{ExecutionID: executionID, Data: ev.Data})
		return b
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(ev.Data)); err != nil {
		b, _ := json.Marshal(ev.Data) // not JSON: pass it as a string
		return b
	}
	return buf.Bytes()
}
