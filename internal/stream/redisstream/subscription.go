// A cursor over a topic's Redis stream, woken by its hub, reading with XRANGE.

package redisstream

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"

	"livecode/internal/stream"
)

type subscription struct {
	b      *Broker
	h      *hub
	ctx    context.Context // the Subscribe context
	cursor int64
	check  bool // read even if the hub knows of nothing new: set until the first empty read
	ended  bool // the final event was returned

	closeOnce sync.Once
	closed    chan struct{}
	stop      func() bool // unregisters the AfterFunc on ctx
}

// Subscribe implements stream.Broker. It waits, within OpTimeout, for Redis to confirm the
// topic's channel subscription when it is the first in this process.
func (b *Broker) Subscribe(ctx context.Context, topic string, afterSeq int64) (stream.Subscription, error) {
	if b.closed() {
		return nil, stream.ErrClosed
	}
	actx, cancel := context.WithTimeout(ctx, b.cfg.OpTimeout)
	defer cancel()
	h, err := b.hubs.acquire(actx, topic, b.streamKey(topic), b.channel(topic))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, stream.Unavailable("subscribe "+topic, err)
	}
	s := &subscription{b: b, h: h, ctx: ctx, cursor: max(afterSeq, 0), check: true, closed: make(chan struct{})}
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
		signal, last := s.h.state() // before reading, so a notification during the read wakes us
		if s.check || last > s.cursor {
			events, err := s.read(ctx)
			if err != nil {
				return nil, err
			}
			if len(events) > 0 {
				return events, nil
			}
			s.check = false
		}
		select {
		case <-signal:
		case <-s.closed:
		case <-s.b.done:
		case <-ctx.Done():
		}
	}
}

// read returns up to BatchSize events after the cursor, preceded by a gap event when the
// stream was trimmed past it, and advances the cursor.
func (s *subscription) read(ctx context.Context) ([]stream.Event, error) {
	rctx, cancel := context.WithTimeout(ctx, s.b.cfg.OpTimeout)
	defer cancel()
	start := strconv.FormatInt(s.cursor+1, 10) + "-0"
	msgs, err := s.b.rdb.XRangeN(rctx, s.h.key, start, "+", int64(s.b.cfg.BatchSize)).Result()
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, stream.Unavailable("read "+s.h.topic, err)
	}
	events := make([]stream.Event, 0, len(msgs)+1)
	for _, m := range msgs {
		e, err := decode(m)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", s.h.topic, err)
		}
		if len(events) == 0 && e.Seq > s.cursor+1 {
			events = append(events, stream.Gap(s.cursor+1, e.Seq-1, e.Time))
		}
		events = append(events, e)
		s.cursor = e.Seq
		if stream.IsFinal(s.h.topic, e) {
			s.ended = true
			break
		}
	}
	return events, nil
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
		s.b.hubs.release(s.h)
	})
}
