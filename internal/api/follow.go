// Following a topic for one client: replay from its cursor, then live events, with heartbeats.

package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/stream"
)

const (
	heartbeatEvery = 15 * time.Second       // a comment (SSE) or ping (WebSocket) on a quiet connection
	writeWait      = 10 * time.Second       // a client that does not take a write within this is dropped
	retryAfterDrop = time.Second            // SSE retry: a client waits this long after a lost connection
	reconnectAfter = 250 * time.Millisecond // SSE retry: of a stream ended by the server's shutdown
)

// sink is where followed events go: an SSE response or a WebSocket. A write error ends the follow.
type sink interface {
	event(ctx context.Context, seq int64, typ string, data json.RawMessage) error
	flush() error
	heartbeat(ctx context.Context) error
}

// feed is one client's view of a topic.
type feed struct {
	topic       string
	executionID string // set for an execution topic: it ends with the result
	cursor      int64  // the last seq the client has
}

// follow sends the client what it has not seen of the topic, then live events, until an
// execution topic's result, ctx's end or a failed write. The database has the last word on an
// execution: when it is terminal and the broker has no result for it (expired, never
// published, broker down), the result is sent from the database, without an id.
func (s *server) follow(ctx context.Context, f feed, out sink) error {
	if f.executionID != "" {
		done, err := s.finishedWithoutTopic(ctx, f, out)
		if done || err != nil {
			return err
		}
	}
	terminalSeen := false
	for backoff := 100 * time.Millisecond; ; backoff = min(2*backoff, 5*time.Second) {
		sub, err := s.deps.Broker.Subscribe(ctx, f.topic, f.cursor)
		if err == nil {
			var ended bool
			ended, err = s.drain(ctx, sub, &f, out, &terminalSeen)
			sub.Close()
			if ended || err != nil {
				return err
			}
		} else if ctx.Err() != nil {
			return nil
		}
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "live events: broker unavailable; retrying",
			slog.String("topic", f.topic), slog.Any("error", err))
		if f.executionID != "" {
			if e, gerr := s.deps.Store.GetExecution(ctx, f.executionID); gerr == nil && e.Status.Terminal() {
				return s.sendStored(ctx, e, out)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
	}
}

// drain relays sub's events. ended is true when the follow is over (result sent, client gone);
// a nil error with ended false means the broker failed and the caller should subscribe again.
func (s *server) drain(ctx context.Context, sub stream.Subscription, f *feed, out sink, terminalSeen *bool) (ended bool, err error) {
	for {
		nctx, cancel := context.WithTimeout(ctx, heartbeatEvery)
		events, err := sub.Next(nctx)
		cancel()
		for _, ev := range events {
			if werr := out.event(ctx, ev.Seq, ev.Type, event.Wire(f.executionID, ev)); werr != nil {
				return true, werr
			}
			f.cursor = ev.Seq
		}
		if len(events) > 0 {
			if werr := out.flush(); werr != nil {
				return true, werr
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF), ctx.Err() != nil:
			return true, nil
		case errors.Is(err, context.DeadlineExceeded):
			if werr := out.heartbeat(ctx); werr != nil {
				return true, werr
			}
			if done, serr := s.staleResult(ctx, f, out, terminalSeen); done || serr != nil {
				return true, serr
			}
		case errors.Is(err, stream.ErrNotFound), errors.Is(err, stream.ErrClosed):
			if f.executionID != "" {
				if e, gerr := s.deps.Store.GetExecution(ctx, f.executionID); gerr == nil && e.Status.Terminal() {
					return true, s.sendStored(ctx, e, out)
				}
			}
			return true, nil
		default:
			return false, nil // ErrUnavailable: subscribe again from the cursor
		}
	}
}

// staleResult is checked on a quiet execution topic: terminal in the database on two checks in
// a row (a heartbeat apart) with no result event means the result event will not come.
func (s *server) staleResult(ctx context.Context, f *feed, out sink, terminalSeen *bool) (bool, error) {
	if f.executionID == "" {
		return false, nil
	}
	e, err := s.deps.Store.GetExecution(ctx, f.executionID)
	if err != nil || !e.Status.Terminal() {
		return false, nil
	}
	if !*terminalSeen {
		*terminalSeen = true
		return false, nil
	}
	return true, s.sendStored(ctx, e, out)
}

// finishedWithoutTopic handles an execution that is terminal: when its topic still ends with
// the result, the follow replays it (false); otherwise the stored result is sent (true).
func (s *server) finishedWithoutTopic(ctx context.Context, f feed, out sink) (bool, error) {
	e, err := s.deps.Store.GetExecution(ctx, f.executionID)
	if err != nil || !e.Status.Terminal() {
		return false, nil
	}
	last, err := s.deps.Broker.Last(ctx, f.topic)
	switch {
	case err == nil && stream.IsFinal(f.topic, last):
		return f.cursor >= last.Seq, nil // true: the client has everything
	case err == nil && f.cursor < last.Seq:
		// The store has the result, the topic not yet (the worker publishes it after storing
		// it) or never will: what the topic holds past the cursor must not be lost.
		return true, s.replayThenStored(ctx, f, e, out)
	}
	return true, s.sendStored(ctx, e, out)
}

// replayWait bounds the wait for more of a finished execution's topic: its events are all
// published by the time the store has the result, only the result event itself may follow.
const replayWait = 100 * time.Millisecond

// replayThenStored sends what the topic holds past the client's cursor, then the stored
// result, unless the topic's own result event comes meanwhile (it is then the last event sent).
func (s *server) replayThenStored(ctx context.Context, f feed, e execution.Execution, out sink) error {
	sub, err := s.deps.Broker.Subscribe(ctx, f.topic, f.cursor)
	if err == nil {
		defer sub.Close()
		for {
			nctx, cancel := context.WithTimeout(ctx, replayWait)
			events, nerr := sub.Next(nctx)
			cancel()
			for _, ev := range events {
				if werr := out.event(ctx, ev.Seq, ev.Type, event.Wire(f.executionID, ev)); werr != nil {
					return werr
				}
				if stream.IsFinal(f.topic, ev) {
					return out.flush()
				}
			}
			if nerr != nil || len(events) == 0 {
				break
			}
		}
	}
	return s.sendStored(ctx, e, out)
}

// sendStored sends the stored execution as the final "result" event.
func (s *server) sendStored(ctx context.Context, e execution.Execution, out sink) error {
	b, err := event.ResultJSON(e)
	if err != nil {
		return err
	}
	if err := out.event(ctx, 0, stream.TypeResult, b); err != nil {
		return err
	}
	return out.flush()
}
