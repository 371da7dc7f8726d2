// Control messages to the worker running an execution: a Redis list per execution.

package redisstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"livecode/internal/stream"
)

// blockFor is how long one BLPOP waits; a listener notices its context ended within it.
const blockFor = time.Second

// encodeControl packs a control as "<type>\n<data>"; types never contain a newline.
func encodeControl(c stream.Control) string { return c.Type + "\n" + c.Data }

func decodeControl(s string) stream.Control {
	typ, data, _ := strings.Cut(s, "\n")
	return stream.Control{Type: typ, Data: data}
}

// SendControl implements stream.Broker; it gives up after OpTimeout. ErrTooLarge when
// MaxControls messages are pending.
func (b *Broker) SendControl(ctx context.Context, executionID string, c stream.Control) error {
	if b.closed() {
		return stream.ErrClosed
	}
	if strings.Contains(c.Type, "\n") {
		return fmt.Errorf("control for %s: type %q has a newline", executionID, c.Type)
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.OpTimeout)
	defer cancel()
	err := sendControlScript.Run(ctx, b.rdb, []string{b.controlKey(executionID)},
		b.cfg.MaxControls, b.cfg.ControlTTL.Milliseconds(), encodeControl(c)).Err()
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "FULL"):
		return fmt.Errorf("control for %s: %d pending: %w", executionID, b.cfg.MaxControls, stream.ErrTooLarge)
	}
	return stream.Unavailable("control for "+executionID, err)
}

// Controls implements stream.Broker. Its goroutine holds one pooled connection at a time
// (BLPOP) and ends within blockFor after ctx ends or the broker closes.
func (b *Broker) Controls(ctx context.Context, executionID string) (<-chan stream.Control, error) {
	if b.closed() {
		return nil, stream.ErrClosed
	}
	ch := make(chan stream.Control)
	b.wg.Go(func() { b.listen(ctx, b.controlKey(executionID), ch) })
	return ch, nil
}

func (b *Broker) listen(ctx context.Context, key string, ch chan<- stream.Control) {
	defer close(ch)
	failures := 0
	for ctx.Err() == nil && !b.closed() {
		// The wait is bounded by blockFor, not ctx: go-redis does not interrupt a blocking
		// read on cancellation, and a cancelled context would only fail the next call.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), blockFor+b.cfg.OpTimeout)
		res, err := b.rdb.BLPop(bctx, blockFor, key).Result()
		cancel()
		switch {
		case errors.Is(err, redis.Nil):
			continue
		case err != nil:
			failures++
			if failures == 1 || failures%60 == 0 {
				b.cfg.Logger.Warn("stream: control listener", "key", key, "err", err, "failures", failures)
			}
			select {
			case <-ctx.Done():
			case <-b.done:
			case <-time.After(min(100*time.Millisecond*time.Duration(failures), time.Second)):
			}
			continue
		}
		failures = 0
		select {
		case ch <- decodeControl(res[1]):
		case <-ctx.Done():
			return
		case <-b.done:
			return
		}
	}
}
