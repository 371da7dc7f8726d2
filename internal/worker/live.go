// Wiring a run to the event broker: its live events out, its controls in.

package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/stream"
)

// newRunPublisher returns the publisher of e's live events, or nil when there is no broker.
func (w *Worker) newRunPublisher(e execution.Execution, log *slog.Logger) *publisher {
	if w.cfg.Broker == nil {
		return nil
	}
	return newPublisher(w.cfg.Broker, e.ID, e.SessionID, w.cfg.FlushInterval, w.cfg.MaxPending, log)
}

// startPublishing publishes e's RUNNING status and output through p and applies its controls,
// adjusting spec. An interactive execution's stdin is its stored text, then stays open for
// "stdin" controls until a "close_stdin" (or the run's end); otherwise it is the stored text,
// then EOF. The returned stop stops listening to controls; call it once the run is over. p
// goes on until finishPublishing closes it.
func (w *Worker) startPublishing(ctx context.Context, log *slog.Logger, e execution.Execution, started time.Time,
	p *publisher, spec *sandbox.Spec, cancel context.CancelCauseFunc) func() {
	p.status(event.Status(e, execution.StatusRunning, e.Attempts, started))
	spec.Output = func(s sandbox.Pipe, chunk []byte) {
		if s == sandbox.Stderr {
			p.output(stream.TypeStderr, chunk)
		} else {
			p.output(stream.TypeStdout, chunk)
		}
	}
	var in *stdinPipe
	if e.Interactive {
		in = newStdinPipe()
		in.buf = []byte(e.Stdin) // the text given with the run comes first
		spec.Stdin = in
	}
	cctx, stopControls := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { applyControls(cctx, w.cfg.Broker, e.ID, in, cancel, log) })
	return func() {
		stopControls()
		if in != nil {
			in.close() // ends the sandbox's copy of stdin if the program never read to EOF
		}
		wg.Wait()
	}
}

// finishPublishing publishes, off the worker's path, what p still holds and then the execution's
// result event if it is terminal. The next job need not wait for the broker; Wait does.
func (w *Worker) finishPublishing(ctx context.Context, id string, p *publisher) {
	if w.cfg.Broker == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	w.tails.Go(func() {
		if p != nil {
			p.close()
		}
		publishResult(ctx, w.cfg.Broker, w.store, w.cfg.Logger, id)
	})
}

// Wait waits until the live events of finished runs are published, each bounded by the
// broker's timeouts (a few seconds when it is down). Call it after the queue consumer stopped.
func (w *Worker) Wait() { w.tails.Wait() }

// cancelled records a client's cancel with what the run wrote until then; if the API already
// ended the execution (its fallback when no worker answers), that decision stands.
func (w *Worker) cancelled(ctx context.Context, log *slog.Logger, e execution.Execution, partial execution.Result) {
	r := partial
	r.Status, r.Reason = execution.StatusCancelled, execution.ReasonCancelled
	r.ExitCode, r.Signal = nil, ""
	ok, err := w.store.Finish(context.WithoutCancel(ctx), e.ID, w.cfg.ID, e.Attempts, r, w.cfg.Now())
	switch {
	case err != nil:
		log.Error("record cancel", "err", err)
	case ok:
		execution.LogTransition(ctx, log, execution.StatusCancelled, execution.ReasonCancelled, w.cfg.Now())
	default:
		log.Info("run stopped: cancelled")
	}
	// Counted here whoever recorded it: this worker's run is what the cancel stopped.
	w.cfg.Observer.Finished(e, r, 0)
}

// endedElsewhere reports whether the execution is already terminal, e.g. cancelled through the
// API while its run was going on.
func (w *Worker) endedElsewhere(ctx context.Context, id string) bool {
	e, err := w.store.GetExecution(context.WithoutCancel(ctx), id)
	if err != nil || !e.Status.Terminal() {
		return false
	}
	if e.Status == execution.StatusCancelled { // stopped by a cancel this worker noticed late
		w.cfg.Observer.Finished(e, e.Result, 0)
	}
	return true
}
