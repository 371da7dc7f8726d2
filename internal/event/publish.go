// Publishing events to both topics of an execution, and its final "result" event.

package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/stream"
)

// Broker is the part of stream.Broker publishing needs; its errors are those stream.Broker documents.
type Broker interface {
	Publish(ctx context.Context, topic string, events ...stream.Event) error
}

// Getter reads an execution from the record of truth; errors are those store.Store documents.
type Getter interface {
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
}

// Publish appends events of execution id to its execution topic, then to its session topic
// (output chunks there wrapped as ChunkData, since executions mix on it). It does not retry:
// live events are a convenience and the store has the result. Errors are the broker's; with
// stream.ErrFinished (the execution already ended) the session topic is left alone.
func Publish(ctx context.Context, b Broker, id, sessionID string, events ...stream.Event) error {
	if err := b.Publish(ctx, stream.ExecutionTopic(id), events...); err != nil {
		return err
	}
	session := make([]stream.Event, len(events))
	for i, ev := range events {
		if isChunk(ev) {
			ev.Data = string(chunkJSON(id, ev.Data))
		}
		session[i] = ev
	}
	return b.Publish(ctx, stream.SessionTopic(sessionID), session...)
}

// PublishResult reads execution id and, once it is terminal, publishes its "result" event to
// both its topics. The final event is what tells a watching client it may stop, so the
// execution topic is tried up to four times with backoff, within ctx; a result too large for
// the broker goes without its output (the client reads it from the database). It returns nil
// when the execution is not terminal or another publisher already ended its topic; otherwise
// the error of reading, rendering or publishing.
func PublishResult(ctx context.Context, b Broker, s Getter, id string) error {
	e, err := s.GetExecution(ctx, id)
	if err != nil {
		return fmt.Errorf("read execution: %w", err)
	}
	if !e.Status.Terminal() {
		return nil
	}
	data, err := ResultJSON(e)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	ev := stream.Event{Type: stream.TypeResult, Data: string(data)}
	for i := range 4 {
		err = b.Publish(ctx, stream.ExecutionTopic(id), ev)
		if errors.Is(err, stream.ErrTooLarge) {
			ev.Data = withoutOutput(data)
			err = b.Publish(ctx, stream.ExecutionTopic(id), ev)
		}
		if err == nil || errors.Is(err, stream.ErrFinished) || errors.Is(err, stream.ErrTooLarge) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100<<i) * time.Millisecond):
		}
	}
	switch {
	case errors.Is(err, stream.ErrFinished):
		return nil // someone else published it, session topic included
	case err != nil:
		return fmt.Errorf("execution topic: %w", err)
	}
	if err := b.Publish(ctx, stream.SessionTopic(e.SessionID), ev); err != nil {
		return fmt.Errorf("session topic: %w", err)
	}
	return nil
}

// withoutOutput drops the output fields of a result too large for the broker and marks it
// "output_omitted": the client reads the whole document with GET /executions/{id}.
func withoutOutput(data []byte) string {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return `{"output_omitted":true}`
	}
	for _, k := range []string{"stdout", "stderr", "output", "compile_output"} {
		if _, ok := doc[k]; ok {
			doc[k] = nil
		}
	}
	doc["output_omitted"] = true
	b, _ := json.Marshal(doc) // cannot fail: it was just decoded
	return string(b)
}
