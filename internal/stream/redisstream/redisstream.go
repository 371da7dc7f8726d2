// The Redis event broker of the distributed mode.

// Package redisstream is the stream.Broker of the distributed mode. Each topic is a Redis
// Stream (entry ID "<seq>-0", trimmed with MAXLEN ~, expiring after its final event) that
// subscribers read with XRANGE from their cursor. Live delivery costs no connection per
// subscriber: one Pub/Sub connection per process listens to the channels of the topics
// that have local subscribers, each notification saying "the topic's last seq is now N",
// and wakes those subscribers, who then read what they miss. A poll of the active topics'
// newest entry every PollInterval repairs notifications lost while the Pub/Sub connection
// reconnects. Controls are Redis lists, read by the worker with BLPOP.

package redisstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"livecode/internal/stream"
)

// Config tunes a Broker. The zero value means every default.
type Config struct {
	Prefix        string        // every key and channel starts with it; default "livecode:stream:"
	MaxLen        int           // entries kept per topic, approximately (XADD MAXLEN ~); default 10000
	MaxEventBytes int           // bound on one event; default 16 MiB
	FinalTTL      time.Duration // a topic expires this long after its final event; default 10 min
	IdleTTL       time.Duration // a topic with no final event expires this long after its last event; default 1 h
	MaxControls   int           // pending control messages per execution; default 10000
	ControlTTL    time.Duration // pending controls expire this long after the last one sent; default 10 min
	OpTimeout     time.Duration // bound on each Redis call (Publish, Subscribe's setup, reads); default 1 s
	PollInterval  time.Duration // how often active topics are re-checked for lost notifications; default 1 s
	BatchSize     int           // most events one Next returns; default 256
	Logger        *slog.Logger  // default slog.Default()
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = "livecode:stream:"
	}
	if c.MaxLen <= 0 {
		c.MaxLen = 10000
	}
	if c.MaxEventBytes <= 0 {
		c.MaxEventBytes = 16 << 20
	}
	if c.FinalTTL <= 0 {
		c.FinalTTL = 10 * time.Minute
	}
	if c.IdleTTL <= 0 {
		c.IdleTTL = time.Hour
	}
	if c.MaxControls <= 0 {
		c.MaxControls = 10000
	}
	if c.ControlTTL <= 0 {
		c.ControlTTL = 10 * time.Minute
	}
	if c.OpTimeout <= 0 {
		c.OpTimeout = time.Second
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 256
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Broker is the Redis stream.Broker.
type Broker struct {
	cfg       Config
	rdb       redis.UniversalClient
	owned     bool // rdb was made by Open and is closed by Close
	hubs      *dispatcher
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // the dispatcher and the Controls listeners
}

var _ stream.Broker = (*Broker)(nil)

// Open connects to the Redis at url (redis:// or rediss://) with a client of its own, whose
// calls are bounded by OpTimeout, and returns a broker over it. Close closes the client. It
// returns an error only for a malformed url; an unreachable Redis shows in later calls.
func Open(url string, cfg Config) (*Broker, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstream: %w", err)
	}
	cfg = cfg.WithDefaults()
	opt.ContextTimeoutEnabled = true // the per-call contexts below bound every call
	opt.DialTimeout = cfg.OpTimeout
	b := New(redis.NewClient(opt), cfg)
	b.owned = true
	return b, nil
}

// New returns a broker over rdb and starts its Pub/Sub listener; Close stops it but leaves
// rdb open. Calls are bounded by OpTimeout only when rdb was made with ContextTimeoutEnabled
// (Open does so); otherwise by rdb's own read and write timeouts.
func New(rdb redis.UniversalClient, cfg Config) *Broker {
	cfg = cfg.WithDefaults()
	b := &Broker{cfg: cfg, rdb: rdb, done: make(chan struct{})}
	b.hubs = newDispatcher(rdb, cfg)
	b.wg.Go(b.hubs.run)
	return b
}

func (b *Broker) streamKey(topic string) string { return b.cfg.Prefix + "t:" + topic }
func (b *Broker) channel(topic string) string   { return b.cfg.Prefix + "n:" + topic }
func (b *Broker) controlKey(id string) string   { return b.cfg.Prefix + "c:" + id }

func (b *Broker) closed() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// Publish implements stream.Broker; it gives up after OpTimeout.
func (b *Broker) Publish(ctx context.Context, topic string, events ...stream.Event) error {
	if b.closed() {
		return stream.ErrClosed
	}
	if len(events) == 0 {
		return nil
	}
	now := time.Now()
	args := make([]any, 0, 4+4*len(events))
	args = append(args, b.channel(topic), b.cfg.MaxLen, b.cfg.IdleTTL.Milliseconds(), b.cfg.FinalTTL.Milliseconds())
	for i, e := range events {
		if size := len(e.Type) + len(e.Data); size > b.cfg.MaxEventBytes {
			return fmt.Errorf("publish %s: event of %d bytes: %w", topic, size, stream.ErrTooLarge)
		}
		final := stream.IsFinal(topic, e)
		if final && i < len(events)-1 {
			return fmt.Errorf("publish %s: events after the final one: %w", topic, stream.ErrFinished)
		}
		if e.Time.IsZero() {
			e.Time = now
		}
		flag := "0"
		if final {
			flag = "1"
		}
		args = append(args, e.Type, e.Data, e.Time.UnixNano(), flag)
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.OpTimeout)
	defer cancel()
	err := publishScript.Run(ctx, b.rdb, []string{b.streamKey(topic)}, args...).Err()
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "FINISHED"):
		return fmt.Errorf("publish %s: %w", topic, stream.ErrFinished)
	}
	return stream.Unavailable("publish "+topic, err)
}

// Last implements stream.Broker.
func (b *Broker) Last(ctx context.Context, topic string) (stream.Event, error) {
	if b.closed() {
		return stream.Event{}, stream.ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.OpTimeout)
	defer cancel()
	msgs, err := b.rdb.XRevRangeN(ctx, b.streamKey(topic), "+", "-", 1).Result()
	if err != nil {
		return stream.Event{}, stream.Unavailable("last "+topic, err)
	}
	if len(msgs) == 0 {
		return stream.Event{}, fmt.Errorf("last %s: %w", topic, stream.ErrNotFound)
	}
	return decode(msgs[0])
}

// Delete implements stream.Broker. Subscribers already reading the topic see no more events.
func (b *Broker) Delete(ctx context.Context, topic string) error {
	if b.closed() {
		return stream.ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.OpTimeout)
	defer cancel()
	if err := b.rdb.Del(ctx, b.streamKey(topic)).Err(); err != nil {
		return stream.Unavailable("delete "+topic, err)
	}
	return nil
}

// Close implements stream.Broker: it ends subscriptions, stops the Pub/Sub listener and
// waits for the Controls listeners (each ends within about a second).
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		close(b.done)
		b.hubs.close()
	})
	b.wg.Wait()
	if b.owned {
		if err := b.rdb.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
			return fmt.Errorf("redisstream: close: %w", err)
		}
	}
	return nil
}

// decode turns a stream entry into an event.
func decode(m redis.XMessage) (stream.Event, error) {
	seq, err := parseSeq(m.ID)
	if err != nil {
		return stream.Event{}, err
	}
	e := stream.Event{Seq: seq}
	e.Type, _ = m.Values["t"].(string)
	e.Data, _ = m.Values["d"].(string)
	if ts, ok := m.Values["ts"].(string); ok {
		if ns, err := strconv.ParseInt(ts, 10, 64); err == nil {
			e.Time = time.Unix(0, ns)
		}
	}
	return e, nil
}

// parseSeq reads the seq of an entry ID "<seq>-0".
func parseSeq(id string) (int64, error) {
	head, _, _ := strings.Cut(id, "-")
	seq, err := strconv.ParseInt(head, 10, 64)
	if err != nil {
		return 0, errors.New("redisstream: malformed entry id " + strconv.Quote(id))
	}
	return seq, nil
}
