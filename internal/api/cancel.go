// Cancel: stop an execution, queued or running; it ends CANCELLED.

package api

import (
	"context"
	"log/slog"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/stream"
)

type cancelOutput struct {
	Body struct {
		ExecutionID string `json:"execution_id"`
		Status      string `json:"status" example:"CANCELLED"`
	}
}

// cancelExecution serves POST /executions/{id}/cancel.
func (s *server) cancelExecution(ctx context.Context, in *executionPath) (*cancelOutput, error) {
	if err := checkID("path.id", "execution", in.ID); err != nil {
		return nil, err
	}
	e, err := s.cancel(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := &cancelOutput{}
	out.Body.ExecutionID, out.Body.Status = e.ID, string(e.Status)
	return out, nil
}

// cancelWait bounds how long a cancel waits for the worker of a running execution to record
// it (with the output so far) before the API records it alone.
const cancelWait = 2 * time.Second

// cancel stops an execution. A running one is stopped by its worker, which records CANCELLED
// with what the program wrote until then; if no worker does within cancelWait (it died, or the
// broker is down), or the execution is still queued, the database records CANCELLED here (a
// worker then stops when it fails to renew its lease; a queued job finds it terminal).
// Conflict when the execution is already terminal.
func (s *server) cancel(ctx context.Context, id string) (execution.Execution, error) {
	e, err := s.ownExecution(ctx, id)
	if err != nil {
		return e, atPath(err)
	}
	if e.Status == execution.StatusRunning && s.sendCancel(ctx, e) {
		if e, err = s.awaitTerminal(ctx, id, cancelWait); err != nil {
			return e, err
		}
		if e.Status == execution.StatusCancelled {
			return e, nil
		}
	}
	if !e.Status.Terminal() {
		var ok bool
		ok, err = s.deps.Store.Abort(ctx, id, execution.StatusCancelled, execution.ReasonCancelled, s.deps.Now())
		if err != nil {
			return e, err
		}
		if ok {
			execution.LogTransition(ctx, s.deps.Logger.With(slog.String("execution_id", id), slog.String("session_id", e.SessionID)),
				execution.StatusCancelled, execution.ReasonCancelled, s.deps.Now())
			s.stopRun(ctx, e)
			return s.deps.Store.GetExecution(ctx, id)
		}
		if e, err = s.deps.Store.GetExecution(ctx, id); err != nil {
			return e, err
		}
	}
	return e, &problem.Error{Kind: problem.Conflict, Field: "path.id",
		Message: "execution " + id + " already ended " + string(e.Status)}
}

// sendCancel asks the worker running e to stop it; false if the message could not be sent.
func (s *server) sendCancel(ctx context.Context, e execution.Execution) bool {
	if s.deps.Broker == nil {
		return false
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), brokerWait)
	defer cancel()
	if err := s.deps.Broker.SendControl(cctx, e.ID, stream.Control{Type: stream.ControlCancel}); err != nil {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "cancel not sent to the worker; recording it here",
			slog.String("execution_id", e.ID), slog.Any("error", err))
		return false
	}
	return true
}

// awaitTerminal polls an execution until it is terminal or wait has passed, and returns it as
// it last read it.
func (s *server) awaitTerminal(ctx context.Context, id string, wait time.Duration) (execution.Execution, error) {
	deadline := time.Now().Add(wait)
	for {
		e, err := s.deps.Store.GetExecution(ctx, id)
		if err != nil || e.Status.Terminal() || time.Now().After(deadline) {
			return e, err
		}
		select {
		case <-ctx.Done():
			return e, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// stopRun tells the worker of a cancelled execution to stop; a queued one gets its result
// event here, since no worker will publish it.
func (s *server) stopRun(ctx context.Context, e execution.Execution) {
	if s.deps.Broker == nil {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), brokerWait)
	defer cancel()
	if err := s.deps.Broker.SendControl(cctx, e.ID, stream.Control{Type: stream.ControlCancel}); err != nil {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "cancel not sent to the worker; it stops when it renews its lease",
			slog.String("execution_id", e.ID), slog.Any("error", err))
	}
	if e.Status == execution.StatusQueued {
		s.publishResult(ctx, e.ID)
	}
}
