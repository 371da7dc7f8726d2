// The refusal of an autosave that names a version the session has moved past.

package store

import (
	"fmt"

	"livecode/internal/problem"
	"livecode/internal/session"
)

// StaleSession is an autosave refused because the session is no longer at the version the
// client edits: another client saved first. Current is the session as it is now. Its kind is
// problem.Stale.
type StaleSession struct {
	Current session.Session
}

func (e *StaleSession) Error() string { return e.problem().Error() }

// Unwrap gives the problem.Error that problem.As and problem.KindOf read.
func (e *StaleSession) Unwrap() error { return e.problem() }

func (e *StaleSession) problem() *problem.Error {
	return &problem.Error{Kind: problem.Stale, Field: "If-Match", Ref: e.Current.ID,
		Message: fmt.Sprintf("session %s changed since the version this edit was based on; it is now at version %d",
			e.Current.ID, e.Current.Version)}
}
