// The one Pub/Sub connection per process that wakes local subscribers when topics grow.

package redisstream

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// hub is the local state of one topic with subscribers in this process. Subscribers wait on
// signal, which is closed and replaced whenever last grows; they hold no buffer.
type hub struct {
	topic, key, channel string
	refs                int           // guarded by dispatcher.mu
	ready               chan struct{} // closed when Redis confirmed the SUBSCRIBE

	mu     sync.Mutex
	last   int64 // the highest seq known to exist
	signal chan struct{}
}

// state returns the current signal and last seq.
func (h *hub) state() (<-chan struct{}, int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.signal, h.last
}

// advance records that seq exists and wakes the subscribers when it is news.
func (h *hub) advance(seq int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if seq <= h.last {
		return
	}
	h.last = seq
	close(h.signal)
	h.signal = make(chan struct{})
}

// dispatcher owns the Pub/Sub connection and the hubs, by channel. A hub whose last
// subscriber left lingers until the next sweep (within PollInterval), so subscribers that come
// and go cost no SUBSCRIBE/UNSUBSCRIBE each and releasing never waits on Redis.
type dispatcher struct {
	rdb     redis.UniversalClient
	cfg     Config
	ps      *redis.PubSub
	closing atomic.Bool
	sem     chan struct{} // held while a channel joins or leaves both hubs and the connection

	mu   sync.Mutex
	hubs map[string]*hub
}

func newDispatcher(rdb redis.UniversalClient, cfg Config) *dispatcher {
	return &dispatcher{rdb: rdb, cfg: cfg, ps: rdb.Subscribe(context.Background()),
		sem: make(chan struct{}, 1), hubs: map[string]*hub{}}
}

// acquire returns the hub of topic, subscribing to its channel when it has none yet and
// waiting (within ctx) until Redis confirms the subscription, so that a read made after
// acquire returns cannot miss a later notification.
func (d *dispatcher) acquire(ctx context.Context, topic, key, channel string) (*hub, error) {
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	d.mu.Lock()
	h := d.hubs[channel]
	isNew := h == nil
	if isNew {
		h = &hub{topic: topic, key: key, channel: channel, ready: make(chan struct{}), signal: make(chan struct{})}
		d.hubs[channel] = h
	}
	h.refs++
	d.mu.Unlock()
	if isNew {
		if err := d.ps.Subscribe(ctx, channel); err != nil {
			d.mu.Lock()
			delete(d.hubs, channel)
			d.mu.Unlock()
			<-d.sem
			return nil, err
		}
	}
	<-d.sem
	select {
	case <-h.ready:
		return h, nil
	case <-ctx.Done():
		d.release(h)
		return nil, ctx.Err()
	}
}

// release drops one reference to h; sweep unsubscribes from unreferenced channels.
func (d *dispatcher) release(h *hub) {
	d.mu.Lock()
	h.refs--
	d.mu.Unlock()
}

// sweep forgets the hubs nobody references any more and unsubscribes from their channels
// in one command.
func (d *dispatcher) sweep(ctx context.Context) {
	select {
	case d.sem <- struct{}{}:
	default:
		return // a subscription is being set up; next time
	}
	defer func() { <-d.sem }()
	var gone []string
	d.mu.Lock()
	for ch, h := range d.hubs {
		if h.refs == 0 {
			delete(d.hubs, ch)
			gone = append(gone, ch)
		}
	}
	d.mu.Unlock()
	if len(gone) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.OpTimeout)
	defer cancel()
	if err := d.ps.Unsubscribe(ctx, gone...); err != nil {
		d.cfg.Logger.Warn("stream: unsubscribe", "channels", len(gone), "err", err)
	}
}

// close ends run by closing the Pub/Sub connection.
func (d *dispatcher) close() {
	d.closing.Store(true)
	_ = d.ps.Close()
}

// run reads notifications until close, and polls the active topics every PollInterval and
// after every connection error, since Pub/Sub loses what is sent while it reconnects.
func (d *dispatcher) run() {
	ctx := context.Background()
	lastPoll := time.Now()
	failures := 0
	for {
		msg, err := d.ps.ReceiveTimeout(ctx, d.cfg.PollInterval)
		switch m := msg.(type) {
		case *redis.Message:
			if seq, perr := strconv.ParseInt(m.Payload, 10, 64); perr == nil {
				d.notify(m.Channel, seq)
			}
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				d.markReady(m.Channel)
			}
		}
		var ne net.Error
		switch {
		case err == nil:
			failures = 0
		case errors.Is(err, redis.ErrClosed) || d.closing.Load():
			return
		case errors.As(err, &ne) && ne.Timeout():
			// Idle: check the connection is alive; a dead one is replaced by the next receive.
			pctx, cancel := context.WithTimeout(ctx, d.cfg.OpTimeout)
			_ = d.ps.Ping(pctx)
			cancel()
		default:
			failures++
			if failures == 1 || failures%60 == 0 {
				d.cfg.Logger.Warn("stream: pubsub receive", "err", err, "failures", failures)
			}
			time.Sleep(min(100*time.Millisecond*time.Duration(failures), d.cfg.PollInterval))
			lastPoll = time.Time{} // resubscribed: what was published meanwhile is unannounced
		}
		if time.Since(lastPoll) >= d.cfg.PollInterval {
			d.sweep(ctx)
			d.poll(ctx)
			lastPoll = time.Now()
		}
	}
}

func (d *dispatcher) notify(channel string, seq int64) {
	d.mu.Lock()
	h := d.hubs[channel]
	d.mu.Unlock()
	if h != nil {
		h.advance(seq)
	}
}

func (d *dispatcher) markReady(channel string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if h := d.hubs[channel]; h != nil {
		select {
		case <-h.ready:
		default:
			close(h.ready)
		}
	}
}

// poll reads the newest seq of every active topic in one pipeline and wakes the subscribers
// of those that grew.
func (d *dispatcher) poll(ctx context.Context) {
	d.mu.Lock()
	hubs := make([]*hub, 0, len(d.hubs))
	for _, h := range d.hubs {
		hubs = append(hubs, h)
	}
	d.mu.Unlock()
	if len(hubs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.OpTimeout)
	defer cancel()
	pipe := d.rdb.Pipeline()
	cmds := make([]*redis.XMessageSliceCmd, len(hubs))
	for i, h := range hubs {
		cmds[i] = pipe.XRevRangeN(ctx, h.key, "+", "-", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		d.cfg.Logger.Warn("stream: poll active topics", "topics", len(hubs), "err", err)
		return
	}
	for i, h := range hubs {
		if msgs, err := cmds[i].Result(); err == nil && len(msgs) > 0 {
			if seq, err := parseSeq(msgs[0].ID); err == nil {
				h.advance(seq)
			}
		}
	}
}
