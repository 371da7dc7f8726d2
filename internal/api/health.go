// Health: liveness and readiness of the process and its database and queue.

package api

import (
	"context"
	"errors"
	"time"
)

// pingTimeout bounds each readiness check so /readyz answers even when a backend hangs.
const pingTimeout = 2 * time.Second

type healthOutput struct {
	Body struct {
		Status  string `json:"status" example:"ok"`
		Version string `json:"version"`
	}
}

type readyOutput struct {
	Body struct {
		Status   string `json:"status" example:"ready"`
		Database string `json:"database" example:"ok"`
		Queue    string `json:"queue" example:"ok"`
	}
}

func (s *server) healthz(_ context.Context, _ *struct{}) (*healthOutput, error) {
	out := &healthOutput{}
	out.Body.Status, out.Body.Version = "ok", s.cfg.Version
	return out, nil
}

// readyz checks the database and, when the process has one, the queue; 503 if either fails.
func (s *server) readyz(ctx context.Context, _ *struct{}) (*readyOutput, error) {
	out := &readyOutput{}
	out.Body.Status, out.Body.Database, out.Body.Queue = "ready", "ok", "none"
	dbErr := ping(ctx, s.deps.Store.Ping)
	var qErr error
	if s.deps.Queue != nil {
		qErr = ping(ctx, s.deps.Queue.Ping)
		out.Body.Queue = "ok"
	}
	switch {
	case dbErr != nil && qErr != nil:
		return nil, unavailable(time.Second, errors.Join(dbErr, qErr), "database and queue unreachable")
	case dbErr != nil:
		return nil, unavailable(time.Second, dbErr, "database unreachable")
	case qErr != nil:
		return nil, unavailable(time.Second, qErr, "queue unreachable")
	}
	return out, nil
}

func ping(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	return f(ctx)
}
