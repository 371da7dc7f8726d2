// Control messages to the worker running an execution, queued until it listens.

package memstream

import (
	"context"
	"fmt"
	"time"

	"livecode/internal/stream"
)

// controlQueue holds the controls of one execution not yet delivered. Guarded by Broker.mu.
type controlQueue struct {
	items     []stream.Control
	bytes     int
	listeners int
	touched   time.Time // last send or listener exit, for ControlTTL
	signal    chan struct{}
}

func controlSize(c stream.Control) int { return len(c.Type) + len(c.Data) + 16 }

func (b *Broker) queueLocked(executionID string, now time.Time) *controlQueue {
	b.sweepLocked(now)
	q := b.controls[executionID]
	if q == nil {
		q = &controlQueue{touched: now, signal: make(chan struct{})}
		b.controls[executionID] = q
	}
	return q
}

// SendControl implements stream.Broker.
func (b *Broker) SendControl(_ context.Context, executionID string, c stream.Control) error {
	if b.closed() {
		return stream.ErrClosed
	}
	now := b.cfg.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.queueLocked(executionID, now)
	if q.bytes+controlSize(c) > b.cfg.MaxControlBytes {
		return fmt.Errorf("control for %s: %d bytes pending: %w", executionID, q.bytes, stream.ErrTooLarge)
	}
	q.items = append(q.items, c)
	q.bytes += controlSize(c)
	q.touched = now
	close(q.signal)
	q.signal = make(chan struct{})
	return nil
}

// Controls implements stream.Broker. Its goroutine ends when ctx ends or the broker closes.
func (b *Broker) Controls(ctx context.Context, executionID string) (<-chan stream.Control, error) {
	if b.closed() {
		return nil, stream.ErrClosed
	}
	b.mu.Lock()
	q := b.queueLocked(executionID, b.cfg.Now())
	q.listeners++
	b.mu.Unlock()
	ch := make(chan stream.Control)
	go b.deliver(ctx, q, ch)
	return ch, nil
}

// deliver hands q's controls to ch one at a time; a control taken but not handed over
// because ctx ended is lost with the listener.
func (b *Broker) deliver(ctx context.Context, q *controlQueue, ch chan<- stream.Control) {
	defer close(ch)
	defer func() {
		b.mu.Lock()
		q.listeners--
		q.touched = b.cfg.Now()
		b.mu.Unlock()
	}()
	for {
		b.mu.Lock() // q stays in b.controls while it has a listener: sweeps skip it
		var c stream.Control
		ok := len(q.items) > 0
		if ok {
			c = q.items[0]
			q.items[0] = stream.Control{}
			q.items = q.items[1:]
			q.bytes -= controlSize(c)
		}
		signal := q.signal
		b.mu.Unlock()
		if ok {
			select {
			case ch <- c:
				continue
			case <-ctx.Done():
				return
			case <-b.done:
				return
			}
		}
		select {
		case <-signal:
		case <-ctx.Done():
			return
		case <-b.done:
			return
		}
	}
}
