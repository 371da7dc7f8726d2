// The in-process event broker of the embedded mode.

// Package memstream is the in-process stream.Broker of the embedded mode: one bounded log per
// topic in memory, read by cursor. It starts no goroutine except one per Controls listener,
// which ends with the listener's context. Expired topics and control queues are swept lazily
// by the calls that come after their expiry.

package memstream

import (
	"context"
	"fmt"
	"sync"
	"time"

	"livecode/internal/stream"
)

// Config tunes a Broker. The zero value means every default.
type Config struct {
	MaxBytes        int              // history kept per topic, oldest dropped first; default 2 MiB
	MaxEventBytes   int              // bound on one event; default MaxBytes
	FinalTTL        time.Duration    // a topic is dropped this long after its final event; default 10 min
	IdleTTL         time.Duration    // a topic with no final event and no subscriber is dropped this long after its last event; default 1 h
	MaxControlBytes int              // pending control bytes per execution; default 1 MiB
	ControlTTL      time.Duration    // pending controls nobody listens to are dropped after; default 10 min
	BatchSize       int              // most events one Next returns; default 256
	Now             func() time.Time // the clock; default time.Now
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.MaxBytes <= 0 {
		c.MaxBytes = 2 << 20
	}
	if c.MaxEventBytes <= 0 {
		c.MaxEventBytes = c.MaxBytes
	}
	if c.FinalTTL <= 0 {
		c.FinalTTL = 10 * time.Minute
	}
	if c.IdleTTL <= 0 {
		c.IdleTTL = time.Hour
	}
	if c.MaxControlBytes <= 0 {
		c.MaxControlBytes = 1 << 20
	}
	if c.ControlTTL <= 0 {
		c.ControlTTL = 10 * time.Minute
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 256
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Broker is the in-process stream.Broker.
type Broker struct {
	cfg        Config
	sweepEvery time.Duration
	done       chan struct{} // closed by Close
	closeOnce  sync.Once

	mu        sync.Mutex // guards topics, controls, lastSweep; taken before a topic's or queue's lock
	topics    map[string]*topic
	controls  map[string]*controlQueue
	lastSweep time.Time
}

var _ stream.Broker = (*Broker)(nil)

// New returns an empty broker.
func New(cfg Config) *Broker {
	cfg = cfg.WithDefaults()
	every := min(cfg.FinalTTL, cfg.IdleTTL, cfg.ControlTTL) / 2
	return &Broker{
		cfg:        cfg,
		sweepEvery: max(every, 10*time.Millisecond),
		done:       make(chan struct{}),
		topics:     map[string]*topic{},
		controls:   map[string]*controlQueue{},
		lastSweep:  cfg.Now(),
	}
}

func (b *Broker) closed() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// topicLocked returns the live topic named name, creating it when absent or expired.
func (b *Broker) topicLocked(name string, now time.Time) *topic {
	b.sweepLocked(now)
	t := b.topics[name]
	if t != nil && t.expiredLocked(now, b.cfg.FinalTTL, b.cfg.IdleTTL) {
		b.dropLocked(t)
		t = nil
	}
	if t == nil {
		t = newTopic(name, now)
		b.topics[name] = t
	}
	return t
}

// dropLocked removes t and wakes its readers, who then see it deleted.
func (b *Broker) dropLocked(t *topic) {
	delete(b.topics, t.name)
	t.deleted = true
	t.broadcastLocked()
}

// sweepLocked drops expired topics and control queues, at most once per sweepEvery.
// Topic fields are guarded by b.mu, so no topic lock is needed here.
func (b *Broker) sweepLocked(now time.Time) {
	if now.Sub(b.lastSweep) < b.sweepEvery {
		return
	}
	b.lastSweep = now
	for _, t := range b.topics {
		if t.expiredLocked(now, b.cfg.FinalTTL, b.cfg.IdleTTL) {
			b.dropLocked(t)
		}
	}
	for id, q := range b.controls {
		if q.listeners == 0 && (len(q.items) == 0 || now.Sub(q.touched) >= b.cfg.ControlTTL) {
			delete(b.controls, id)
		}
	}
}

// Publish implements stream.Broker. It returns ErrFinished when an event follows the final
// one (the whole call is then refused), ErrTooLarge for an event over MaxEventBytes.
func (b *Broker) Publish(_ context.Context, name string, events ...stream.Event) error {
	if b.closed() {
		return stream.ErrClosed
	}
	for i, e := range events {
		if size := eventSize(e); size > b.cfg.MaxEventBytes {
			return fmt.Errorf("publish %s: event of %d bytes: %w", name, size, stream.ErrTooLarge)
		}
		if stream.IsFinal(name, e) && i < len(events)-1 {
			return fmt.Errorf("publish %s: events after the final one: %w", name, stream.ErrFinished)
		}
	}
	if len(events) == 0 {
		return nil
	}
	now := b.cfg.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topicLocked(name, now)
	if t.final {
		return fmt.Errorf("publish %s: %w", name, stream.ErrFinished)
	}
	t.appendLocked(events, now, b.cfg.MaxBytes)
	return nil
}

// Last implements stream.Broker.
func (b *Broker) Last(_ context.Context, name string) (stream.Event, error) {
	if b.closed() {
		return stream.Event{}, stream.ErrClosed
	}
	now := b.cfg.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweepLocked(now)
	t := b.topics[name]
	if t == nil || len(t.events) == 0 || t.expiredLocked(now, b.cfg.FinalTTL, b.cfg.IdleTTL) {
		return stream.Event{}, fmt.Errorf("last %s: %w", name, stream.ErrNotFound)
	}
	return t.events[len(t.events)-1], nil
}

// Delete implements stream.Broker.
func (b *Broker) Delete(_ context.Context, name string) error {
	if b.closed() {
		return stream.ErrClosed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.topics[name]; t != nil {
		b.dropLocked(t)
	}
	return nil
}

// Close implements stream.Broker: subscriptions' Next and Controls listeners return.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() { close(b.done) })
	return nil
}
