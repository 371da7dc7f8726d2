// Run loop of the in-process queue: bounded concurrent deliveries and graceful shutdown.

package memqueue

import (
	"context"
	"fmt"
	"sync"

	"livecode/internal/queue"
)

// Run delivers jobs to h, at most concurrency (minimum 1) at a time, until ctx is done or the
// queue is closed; then it waits for the running handlers and returns nil. Handlers get a
// context that is not cancelled by ctx: a run in progress is finished, not abandoned.
// A handler that panics counts as a failed delivery.
func (q *Queue) Run(ctx context.Context, concurrency int, h queue.Handler) error {
	concurrency = max(concurrency, 1)
	slots := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		e, ok := q.next(ctx)
		if !ok {
			return nil
		}
		wg.Go(func() {
			defer func() { <-slots }()
			q.deliver(ctx, e, h)
		})
	}
}

func (q *Queue) deliver(ctx context.Context, e entry, h queue.Handler) {
	hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	d := queue.Delivery{Job: e.job, Retried: e.retried, MaxRetry: q.cfg.MaxRetry}
	if err := call(hctx, h, d); err != nil {
		q.fail(e, err)
	}
}

// call runs h, turning a panic into an error so that one bad delivery cannot stop the pool.
func call(ctx context.Context, h queue.Handler, d queue.Delivery) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v", r)
		}
	}()
	return h(ctx, d)
}
