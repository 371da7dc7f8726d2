// Cancel: stop an execution, queued or running; it ends CANCELLED.
package api

import (
	"context"
	"log/slog"

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

// cancel ends an execution CANCELLED in the database, which is the decision, then tells its
// worker to stop the run now (a worker also notices within a third of its lease, when it
// fails to renew it). A queued execution never runs: its job finds it terminal. Conflict when
// the execution is already terminal.
func (s *server) cancel(ctx context.Context, id string) (execution.Execution, error) {
	e, err := s.ownExecution(ctx, id)
	if err != nil {
		return e, atPath(err)
	}
	if !e.Status.Terminal() {
		var ok bool
		ok, err = s.deps.Store.Abort(ctx, id, execution.StatusCancelled, execution.ReasonCancelled, s.deps.Now())
		if err != nil {
			return e, err
		}
		if ok {
			s.deps.Logger.LogAttrs(ctx, slog.LevelInfo, "execution transition", slog.String("execution_id", id),
				slog.String("session_id", e.SessionID), slog.String("status", string(execution.StatusCancelled)),
				slog.String("reason", string(execution.ReasonCancelled)), slog.Time("at", s.deps.Now()))
			s.stopRun(ctx, e)
			if e, err = s.deps.Store.GetExecution(ctx, id); err != nil {
				return e, err
			}
			return e, nil
		}
		if e, err = s.deps.Store.GetExecution(ctx, id); err != nil {
			return e, err
		}
	}
	return e, &problem.Error{Kind: problem.Conflict, Field: "path.id",
		Message: "execution " + id + " already ended " + string(e.Status)}
}

// stopRun tells the worker of a cancelled execution to stop; a queued one gets its result
// event here, since no worker will publish it.
func (s *server) stopRun(ctx context.Context, e execution.Execution) {
	if s.deps.Broker == nil {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), announceWait)
	defer cancel()
	if err := s.deps.Broker.SendControl(cctx, e.ID, stream.Control{Type: stream.ControlCancel}); err != nil {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "cancel not sent to the worker; it stops when it renews its lease",
			slog.String("execution_id", e.ID), slog.Any("error", err))
	}
	if e.Status == execution.StatusQueued {
		s.announceResult(ctx, e.ID)
	}
}
