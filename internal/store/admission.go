// Errors and arithmetic shared by the stores' admission rules, so both engines answer alike.

package store

import (
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
)

// DefaultPageSize is the page size ListExecutions uses when asked for limit <= 0.
const DefaultPageSize = 20

// ErrSessionNotFound returns the NotFound error for an unknown session.
func ErrSessionNotFound(id string) *problem.Error {
	return &problem.Error{Kind: problem.NotFound, Message: fmt.Sprintf("session %s not found", id), Field: "session_id"}
}

// ErrExecutionNotFound returns the NotFound error for an unknown execution.
func ErrExecutionNotFound(id string) *problem.Error {
	return &problem.Error{Kind: problem.NotFound, Message: fmt.Sprintf("execution %s not found", id), Field: "execution_id"}
}

// ErrSessionClosed returns the Conflict error for a change to a CLOSED session.
func ErrSessionClosed(id string) *problem.Error {
	return &problem.Error{Kind: problem.Conflict, Message: fmt.Sprintf("session %s is closed", id), Ref: id}
}

// WhyNotUpdated explains why the conditional update p of ACTIVE session id matched nothing,
// given what reading the session then gave: unknown or another owner's (NotFound, never
// revealing that it exists), closed (Conflict), or at another version than p.IfVersion
// (*StaleSession).
func WhyNotUpdated(id string, p SessionPatch, sess session.Session, err error) error {
	switch {
	case err != nil:
		return err
	case p.Owner != nil && sess.Owner != *p.Owner:
		return ErrSessionNotFound(id)
	case sess.Status == session.StatusActive && p.IfVersion != nil:
		return &StaleSession{Current: sess}
	}
	return ErrSessionClosed(id)
}

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

// ErrActive returns the Conflict error for a run refused because activeID is still active.
func ErrActive(activeID string, max int) *problem.Error {
	return &problem.Error{Kind: problem.Conflict, Ref: activeID,
		Message: fmt.Sprintf("execution %s is still active (at most %d active per session)", activeID, max)}
}

// ErrIdempotencyMismatch returns the Unprocessable error for a key reused with another request.
func ErrIdempotencyMismatch() *problem.Error {
	return &problem.Error{Kind: problem.Unprocessable, Field: "Idempotency-Key",
		Message: "idempotency key was already used with a different request"}
}

// RateCheck applies the run rate limit: runs executions were created since now-window, the
// oldest at oldest. It returns a RateLimited error whose RetryAfter is when the oldest leaves
// the window (whole seconds, at least one), or nil when another run is allowed.
func RateCheck(n NewExecution, runs int64, oldest time.Time) *problem.Error {
	if n.RateLimit <= 0 || n.RateWindow <= 0 || runs < int64(n.RateLimit) {
		return nil
	}
	wait := oldest.Add(n.RateWindow).Sub(n.Now)
	secs := (wait + time.Second - 1) / time.Second
	if secs < 1 {
		secs = 1
	}
	return &problem.Error{Kind: problem.RateLimited, RetryAfter: secs * time.Second, Limit: n.RateLimit, Window: n.RateWindow,
		Message: fmt.Sprintf("at most %d runs per %s per session", n.RateLimit, n.RateWindow)}
}

// IdempotencyCutoff is the creation time before which a stored key has expired.
func IdempotencyCutoff(n NewExecution) time.Time { return n.Now.Add(-n.IdempotencyTTL) }

// CheckAbort validates Abort's status: only a terminal status can end an execution.
func CheckAbort(status execution.Status) error {
	if !status.Terminal() {
		return fmt.Errorf("store: abort with non-terminal status %q", status)
	}
	return nil
}

// CheckFinish validates Finish's result status.
func CheckFinish(r execution.Result) error {
	if !r.Status.Terminal() {
		return fmt.Errorf("store: finish with non-terminal status %q", r.Status)
	}
	return nil
}

// Refused reports whether e ended without running because its job could not be queued: the
// client was told 503, so an idempotency key that made e may be used again.
func Refused(e execution.Execution) bool {
	return e.Status == execution.StatusFailed && e.Result.Reason == execution.ReasonQueueUnavailable
}

// ErrOwnerActive returns the RateLimited error for a run refused by the owner's active quota.
func ErrOwnerActive(owner string, max int) *problem.Error {
	return &problem.Error{Kind: problem.RateLimited,
		Message: fmt.Sprintf("quota exceeded: API key %s may have at most %d active executions (QUOTA_MAX_ACTIVE)", owner, max)}
}

// OwnerQuotaApplies reports whether the owner's quotas bound a run of a session owned by owner.
func OwnerQuotaApplies(n NewExecution, owner string) (active, rate bool) {
	if owner == "" {
		return false, false
	}
	return n.OwnerMaxActive > 0, n.OwnerRateLimit > 0 && n.OwnerRateWindow > 0
}

// OwnerRateCheck applies the owner's run quota as RateCheck applies the session's rate limit.
func OwnerRateCheck(n NewExecution, owner string, runs int64, oldest time.Time) *problem.Error {
	perr := RateCheck(NewExecution{Now: n.Now, RateLimit: n.OwnerRateLimit, RateWindow: n.OwnerRateWindow}, runs, oldest)
	if perr != nil {
		perr.Message = fmt.Sprintf("quota exceeded: API key %s may start at most %d runs per %s (QUOTA_RUN_RATE_LIMIT)",
			owner, n.OwnerRateLimit, n.OwnerRateWindow)
	}
	return perr
}
