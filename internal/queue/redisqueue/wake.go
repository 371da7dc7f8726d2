// Blocking pickup: an idle worker waits on a wake-up list that every new pending task pushes to.

package redisqueue

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// wakeCap bounds the wake-up list. A marker wakes one idle worker process, which then takes
// every task it has room for, so this many wake as many processes as a burst can need; the
// bound keeps the markers of tasks that busy workers took without waiting (each costs an idle
// worker one empty look later) from piling up.
const wakeCap = 256

// wakeKey is the wake-up list of the queue. It shares the queue's hash tag with asynq's keys,
// so a Redis Cluster keeps them on one node.
func (q *Queue) wakeKey() string { return "livecode:{" + q.cfg.Name + "}:wake" }

// wake pushes n markers to the wake-up list, one per task that became pending. A marker that
// finds no waiting worker stays in the list and costs a waiting worker one empty look later; a
// lost one costs a task at most PollInterval of extra wait, so callers go on after a failure.
func (q *Queue) wake(ctx context.Context, rdb *redis.Client, n int) error {
	markers := make([]any, n)
	for i := range markers {
		markers[i] = "1"
	}
	pipe := rdb.Pipeline()
	pipe.LPush(ctx, q.wakeKey(), markers...)
	pipe.LTrim(ctx, q.wakeKey(), 0, wakeCap-1)
	_, err := pipe.Exec(ctx)
	return err
}

// wakeOne wakes a worker for the task id that just became pending. The task is queued whether
// or not this works, so a failure is logged, not returned: a waiting worker finds the task
// within PollInterval anyway.
func (q *Queue) wakeOne(ctx context.Context, id string) {
	if err := q.wake(ctx, q.rdb, 1); err != nil {
		q.cfg.Logger.WarnContext(ctx, "redisqueue: wake-up not sent; the task waits for the next look", "task_id", id, "error", err)
	}
}

// pickup is a go-redis hook on the client of a Run's asynq server. asynq's processor looks for
// a task with its dequeue script and, finding none, sleeps before the next look: a poll. The
// hook turns the empty look into a blocking one: it waits on the wake-up list (BLPOP, at most
// PollInterval) and, woken, runs the dequeue script again before asynq sees the result. A
// marker pushed between the empty look and the BLPOP is still in the list, so no wake-up is
// lost. Leases, retries, recovery and the dead-letter set stay asynq's, untouched.
//
// The hook also pushes a marker for each task asynq itself makes pending: those its forwarder
// moves from the retry or scheduled set (so a retry is taken as soon as it is due), and those
// a stopping server hands back.
type pickup struct {
	q   *Queue
	rdb *redis.Client // the hooked client, asynq server's, which pushes the hook's markers
	// waiter blocks on the wake-up list. It is the Run's own client: closing it ends a wait at
	// once when Run stops, where a BLPOP would otherwise hold asynq's shutdown for up to
	// PollInterval (go-redis does not abort a read on cancellation).
	waiter *redis.Client
}

func (p *pickup) DialHook(next redis.DialHook) redis.DialHook { return next }

func (p *pickup) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (p *pickup) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		keys := scriptKeys(cmd)
		switch {
		case errors.Is(err, redis.Nil) && p.isDequeue(keys):
			// A marker whose task another look took already wakes to an empty queue: wait
			// again rather than hand asynq an empty look, after which it pauses.
			for errors.Is(err, redis.Nil) && p.await() {
				err = next(ctx, cmd)
			}
			return err
		case err == nil && p.isForward(keys):
			if c, ok := cmd.(*redis.Cmd); ok {
				if n, ok := c.Val().(int64); ok && n > 0 {
					_ = p.q.wake(ctx, p.rdb, int(n)) // if lost, the next look finds them
				}
			}
		case err == nil && p.isRequeue(keys):
			_ = p.q.wake(ctx, p.rdb, 1)
		}
		return err
	}
}

// await waits for a marker on the wake-up list; it reports whether one came. A timeout, an
// error (Redis down) or the waiter's closing all return false: asynq then sleeps its short
// TaskCheckInterval and looks again.
func (p *pickup) await() bool {
	// BLPOP takes seconds to the millisecond, and 0 means forever.
	secs := strconv.FormatFloat(max(p.q.cfg.PollInterval, time.Millisecond).Seconds(), 'f', 3, 64)
	err := p.waiter.Do(context.Background(), "blpop", p.q.wakeKey(), secs).Err()
	return err == nil
}

// isDequeue reports whether keys are those of asynq's dequeue script for our queue (KEYS:
// pending, paused, active, lease).
func (p *pickup) isDequeue(keys []string) bool {
	return len(keys) == 4 && keys[0] == p.q.key("pending") && keys[1] == p.q.key("paused") &&
		keys[2] == p.q.key("active") && keys[3] == p.q.key("lease")
}

// isForward reports whether keys are those of asynq's forward script for our queue (KEYS: the
// retry or scheduled set, pending).
func (p *pickup) isForward(keys []string) bool {
	return len(keys) == 2 && (keys[0] == p.q.key("retry") || keys[0] == p.q.key("scheduled")) &&
		keys[1] == p.q.key("pending")
}

// isRequeue reports whether keys are those of asynq's requeue script for our queue, which a
// stopping server runs to hand a task back (KEYS: active, lease, pending, the task).
func (p *pickup) isRequeue(keys []string) bool {
	return len(keys) == 4 && keys[0] == p.q.key("active") && keys[1] == p.q.key("lease") &&
		keys[2] == p.q.key("pending")
}

// scriptKeys returns the KEYS of an EVAL or EVALSHA command, nil for any other command.
func scriptKeys(cmd redis.Cmder) []string {
	args := cmd.Args()
	if len(args) < 3 {
		return nil
	}
	if name, _ := args[0].(string); !strings.EqualFold(name, "evalsha") && !strings.EqualFold(name, "eval") {
		return nil
	}
	n, ok := args[2].(int)
	if !ok || n < 0 || len(args) < 3+n {
		return nil
	}
	keys := make([]string, n)
	for i := range keys {
		if keys[i], ok = args[3+i].(string); !ok {
			return nil
		}
	}
	return keys
}
