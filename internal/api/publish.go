// Live events the API itself publishes: QUEUED, and the results of runs that never ran.

package api

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"livecode/internal/event"
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

// brokerWait bounds what a request waits for the broker: live events are a convenience, the
// database is the record.
const brokerWait = 500 * time.Millisecond

// publishQueued publishes the QUEUED status of a new execution, before its job is queued so
// that it precedes everything a worker publishes.
func (s *server) publishQueued(ctx context.Context, e execution.Execution) {
	if s.deps.Broker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), brokerWait)
	defer cancel()
	ev := event.Status(e, execution.StatusQueued, 0, e.QueuedAt)
	if err := event.Publish(ctx, s.deps.Broker, e.ID, e.SessionID, ev); err != nil && !errors.Is(err, stream.ErrFinished) {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "live event not published", slog.String("execution_id", e.ID),
			slog.String("type", ev.Type), slog.Any("error", err))
	}
}

// publishResult publishes the final event of an execution that ended without a worker
// finishing it (cancelled while queued, refused by the queue).
func (s *server) publishResult(ctx context.Context, id string) {
	if s.deps.Broker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), brokerWait)
	defer cancel()
	if err := event.PublishResult(ctx, s.deps.Broker, s.deps.Store, id); err != nil {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "live event not published", slog.String("execution_id", id),
			slog.String("type", stream.TypeResult), slog.Any("error", err))
	}
}
