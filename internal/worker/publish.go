// Live events of a run, published off the run's path: the sandbox never waits for the broker.

package worker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"livecode/internal/event"
	"livecode/internal/stream"
)

// Broker is the part of stream.Broker a worker uses; its errors are those stream.Broker documents.
type Broker interface {
	Publish(ctx context.Context, topic string, events ...stream.Event) error
	Controls(ctx context.Context, executionID string) (<-chan stream.Control, error)
}

// pendingEvent is an event waiting for the publisher; consecutive chunks of one stream are
// coalesced into one.
type pendingEvent struct {
	typ  string
	data []byte
}

// publisher sends one run's events to its execution and session topics from its own goroutine.
// add never blocks: past maxBytes waiting, chunks are dropped and counted.
type publisher struct {
	b         Broker
	id        string
	sessionID string
	interval  time.Duration
	maxBytes  int
	log       *slog.Logger

	mu      sync.Mutex
	pending []pendingEvent
	bytes   int
	dropped int
	failed  bool // a publish failed; logged once per run

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

const (
	flushBytes  = 16 << 10 // publish at once when this much waits
	maxChunk    = 16 << 10 // largest coalesced chunk event
	publishWait = 2 * time.Second
)

func newPublisher(b Broker, execID, sessionID string, interval time.Duration, maxBytes int, log *slog.Logger) *publisher {
	p := &publisher{b: b, id: execID, sessionID: sessionID, interval: interval, maxBytes: maxBytes, log: log,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

// status queues a status event; status events are never dropped for size.
func (p *publisher) status(ev stream.Event) { p.add(ev.Type, []byte(ev.Data), true) }

// output queues a chunk of the program's output. It is called by the sandbox as the program
// writes, so it only appends under a mutex.
func (p *publisher) output(typ string, chunk []byte) { p.add(typ, chunk, false) }

func (p *publisher) add(typ string, data []byte, keep bool) {
	p.mu.Lock()
	if !keep && p.bytes+len(data) > p.maxBytes {
		p.dropped += len(data)
		p.mu.Unlock()
		return
	}
	n := len(p.pending)
	if !keep && n > 0 && p.pending[n-1].typ == typ && len(p.pending[n-1].data)+len(data) <= maxChunk {
		p.pending[n-1].data = append(p.pending[n-1].data, data...)
	} else {
		p.pending = append(p.pending, pendingEvent{typ: typ, data: append([]byte(nil), data...)})
	}
	p.bytes += len(data)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// close publishes what is still pending (once, without retry) and stops the goroutine.
func (p *publisher) close() {
	close(p.stop)
	<-p.done
}

func (p *publisher) loop() {
	defer close(p.done)
	for {
		select {
		case <-p.wake:
		case <-p.stop:
			p.flush()
			return
		}
		// Let a burst of small writes gather into one publish, unless enough is already waiting.
		if p.size() < flushBytes {
			t := time.NewTimer(p.interval)
			select {
			case <-t.C:
			case <-p.stop:
				t.Stop()
				p.flush()
				return
			}
		}
		p.flush()
	}
}

func (p *publisher) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

// take removes the pending events, preceded by a "dropped" event when chunks were dropped.
func (p *publisher) take() ([]pendingEvent, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	batch, dropped := p.pending, p.dropped
	p.pending, p.bytes, p.dropped = nil, 0, 0
	return batch, dropped
}

func (p *publisher) flush() {
	batch, dropped := p.take()
	if len(batch) == 0 && dropped == 0 {
		return
	}
	events := make([]stream.Event, 0, len(batch)+1)
	if dropped > 0 {
		events = append(events, event.Dropped(p.id, dropped))
	}
	size := 0
	for _, pe := range batch {
		size += len(pe.data)
		events = append(events, stream.Event{Type: pe.typ, Data: string(pe.data)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), publishWait)
	defer cancel()
	err := event.Publish(ctx, p.b, p.id, p.sessionID, events...)
	if err != nil && !errors.Is(err, stream.ErrFinished) {
		p.mu.Lock()
		p.dropped += dropped + size
		first := !p.failed
		p.failed = true
		p.mu.Unlock()
		if first {
			p.log.Warn("live output not streamed; the stored result has it", "err", err)
		}
	}
}
