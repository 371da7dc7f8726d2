// Awaiting an execution's end for a one-call run: the live stream's result event, the store's word.

package api

import (
	"context"
	"errors"
	"io"
	"time"

	"livecode/internal/execution"
	"livecode/internal/stream"
)

// staleCheck is how long a quiet live stream is trusted before the store is asked whether the
// execution ended without its result event (a worker whose publish failed).
const staleCheck = 2 * time.Second

// awaitEnd waits at most wait for e to end and returns it as stored then; a client that goes
// away ends the wait, and gets e as it was (it reads no answer). The server's shutdown ends it
// too, so that a waiting request never holds a shutdown: its client gets the execution so far.
// The wait holds nothing but the request: it
// follows the execution's topic, and reads the store only at the end, every staleCheck on a
// quiet topic, and with a backoff while the broker is absent or failing.
func (s *server) awaitEnd(ctx context.Context, e execution.Execution, wait time.Duration) (execution.Execution, error) {
	if e.Status.Terminal() || wait <= 0 {
		return e, nil
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	if streams := streamsOf(ctx); streams != nil {
		defer context.AfterFunc(streams.stop, cancel)()
	}
	s.untilEnd(wctx, e.ID)
	cancel()
	if ctx.Err() != nil {
		return e, nil
	}
	return s.deps.Store.GetExecution(ctx, e.ID)
}

// untilEnd returns when id has ended or ctx is done.
func (s *server) untilEnd(ctx context.Context, id string) {
	for backoff := 50 * time.Millisecond; ctx.Err() == nil; backoff = min(2*backoff, time.Second) {
		if s.deps.Broker != nil {
			if sub, err := s.deps.Broker.Subscribe(ctx, stream.ExecutionTopic(id), 0); err == nil {
				ended := s.untilResult(ctx, sub, id)
				sub.Close()
				if ended {
					return
				}
			}
		}
		if s.ended(ctx, id) {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
	}
}

// untilResult reads sub until the result event (true), ctx's end (true), or a broker failure
// (false: the caller subscribes again).
func (s *server) untilResult(ctx context.Context, sub stream.Subscription, id string) bool {
	for {
		nctx, cancel := context.WithTimeout(ctx, staleCheck)
		events, err := sub.Next(nctx)
		cancel()
		for _, ev := range events {
			if ev.Type == stream.TypeResult {
				return true
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF), ctx.Err() != nil:
			return true
		case errors.Is(err, context.DeadlineExceeded):
			if s.ended(ctx, id) {
				return true
			}
		default:
			return false
		}
	}
}

// ended reports whether the store has id terminal.
func (s *server) ended(ctx context.Context, id string) bool {
	e, err := s.deps.Store.GetExecution(ctx, id)
	return err == nil && e.Status.Terminal()
}
