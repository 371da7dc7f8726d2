// Ownership: the one place that loads a session or execution for the key asking for it.

package api

import (
	"context"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

// owns reports whether the request's key may see what owner owns. With authentication off
// everything is visible, as before keys existed.
func (s *server) owns(ctx context.Context, owner string) bool {
	return !s.keys.enabled() || ownerOf(ctx) == owner
}

// ownSession returns the session if the request's key owns it. Another key's session is
// NotFound, exactly as an unknown one, so that its existence is never revealed.
func (s *server) ownSession(ctx context.Context, id string) (session.Session, error) {
	sess, err := s.deps.Store.GetSession(ctx, id)
	if err != nil {
		return session.Session{}, err
	}
	if !s.owns(ctx, sess.Owner) {
		return session.Session{}, store.ErrSessionNotFound(id)
	}
	return sess, nil
}

// ownExecution returns the execution if the request's key owns its session; otherwise
// NotFound, as for an unknown id.
func (s *server) ownExecution(ctx context.Context, id string) (execution.Execution, error) {
	e, err := s.deps.Store.GetExecution(ctx, id)
	if err != nil || !s.keys.enabled() {
		return e, err
	}
	sess, err := s.deps.Store.GetSession(ctx, e.SessionID)
	switch {
	case problem.KindOf(err) == problem.NotFound:
		return execution.Execution{}, store.ErrExecutionNotFound(id)
	case err != nil:
		return execution.Execution{}, err
	case !s.owns(ctx, sess.Owner):
		return execution.Execution{}, store.ErrExecutionNotFound(id)
	}
	return e, nil
}
