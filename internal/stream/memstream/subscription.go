// A cursor over a topic's log: no buffer of its own, it waits on the topic's signal.

package memstream

import (
	"context"
	"fmt"
	"io"
	"sync"

	"livecode/internal/stream"
)

type subscription struct {
	b      *Broker
	t      *topic
	ctx    context.Context // the Subscribe context
	cursor int64
	ended  bool // the final event was returned

	closeOnce sync.Once
	closed    chan struct{}
	stop      func() bool // unregisters the AfterFunc on ctx
}

// Subscribe implements stream.Broker.
func (b *Broker) Subscribe(ctx context.Context, name string, afterSeq int64) (stream.Subscription, error) {
	if b.closed() {
		return nil, stream.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	t := b.topicLocked(name, b.cfg.Now())
	t.subs++
	b.mu.Unlock()
	s := &subscription{b: b, t: t, ctx: ctx, cursor: max(afterSeq, 0), closed: make(chan struct{})}
	s.stop = context.AfterFunc(ctx, s.end)
	return s, nil
}

// Next implements stream.Subscription. It is not safe to call from several goroutines at once.
func (s *subscription) Next(ctx context.Context) ([]stream.Event, error) {
	for {
		if s.ended {
			return nil, io.EOF
		}
		if err := stream.Stopped(ctx, s.ctx, s.closed, s.b.done); err != nil {
			return nil, err
		}
		s.b.mu.Lock()
		events := s.t.readLocked(s.cursor, s.b.cfg.BatchSize, s.b.cfg.Now())
		deleted, signal := s.t.deleted, s.t.signal
		s.b.mu.Unlock()
		if len(events) > 0 {
			s.cursor = events[len(events)-1].Seq
			if stream.IsFinal(s.t.name, events[len(events)-1]) {
				s.ended = true
			}
			return events, nil
		}
		if deleted {
			return nil, fmt.Errorf("next %s: %w", s.t.name, stream.ErrNotFound)
		}
		select {
		case <-signal:
		case <-s.closed:
		case <-s.b.done:
		case <-ctx.Done():
		}
	}
}

// Close implements stream.Subscription.
func (s *subscription) Close() error {
	s.stop() // set before Subscribe returned, so every caller of Close sees it
	s.end()
	return nil
}

// end releases the subscription once. The AfterFunc on the Subscribe context calls it rather
// than Close: that callback may run before Subscribe has stored s.stop.
func (s *subscription) end() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.b.mu.Lock()
		s.t.subs--
		s.b.mu.Unlock()
	})
}
