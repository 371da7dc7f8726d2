// The final "result" event of an execution, published once its terminal state is stored.

package worker

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"livecode/internal/execution"
	"livecode/internal/stream"
)

// ResultFunc renders a terminal execution as the Data of its "result" event; livecode passes
// the JSON of GET /executions/{id}, so a client gets the same document either way.
type ResultFunc func(execution.Execution) ([]byte, error)

// Getter reads an execution from the record of truth; errors are those store.Store documents.
type Getter interface {
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
}

// announcer publishes the final event of executions; the zero value (no broker) does nothing.
type announcer struct {
	broker Broker
	store  Getter
	render ResultFunc
	log    *slog.Logger
}

// defaultResult is the result data when no ResultFunc is configured.
func defaultResult(e execution.Execution) ([]byte, error) {
	return json.Marshal(struct {
		ExecutionID string `json:"execution_id"`
		SessionID   string `json:"session_id"`
		Status      string `json:"status"`
		Reason      string `json:"reason,omitempty"`
	}{e.ID, e.SessionID, string(e.Status), string(e.Result.Reason)})
}

// result reads the stored execution and publishes it as the final event of its execution topic
// and as an event of its session topic. It tries a few times: the final event is what tells a
// watching client that it may stop; the database still has it if every try fails.
func (a announcer) result(ctx context.Context, id string) {
	if a.broker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	log := a.log.With("execution_id", id)
	e, err := a.store.GetExecution(ctx, id)
	if err != nil {
		log.Warn("result event: read execution", "err", err)
		return
	}
	if !e.Status.Terminal() {
		return
	}
	render := a.render
	if render == nil {
		render = defaultResult
	}
	data, err := render(e)
	if err != nil {
		log.Error("result event: render", "err", err)
		return
	}
	ev := stream.Event{Type: stream.TypeResult, Data: string(data)}
	for i := range 4 {
		err = a.broker.Publish(ctx, stream.ExecutionTopic(id), ev)
		if errors.Is(err, stream.ErrTooLarge) {
			ev.Data = withoutOutput(data)
			err = a.broker.Publish(ctx, stream.ExecutionTopic(id), ev)
		}
		if err == nil || errors.Is(err, stream.ErrFinished) || errors.Is(err, stream.ErrTooLarge) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100<<i) * time.Millisecond):
		}
	}
	if err != nil && !errors.Is(err, stream.ErrFinished) {
		log.Warn("result event not published; clients read it from the database", "err", err)
		return
	}
	if errors.Is(err, stream.ErrFinished) {
		return // someone else announced it, session topic included
	}
	if err := a.broker.Publish(ctx, stream.SessionTopic(e.SessionID), ev); err != nil {
		log.Warn("result event: session topic", "err", err)
	}
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
	tests, _ := doc["tests"].([]any) // a judged run's: their bytes go too
	for _, t := range tests {
		if m, ok := t.(map[string]any); ok {
			for _, k := range []string{"stdin", "expected_output", "stdout", "stderr"} {
				delete(m, k)
			}
		}
	}
	doc["output_omitted"] = true
	b, _ := json.Marshal(doc) // cannot fail: it was just decoded
	return string(b)
}
