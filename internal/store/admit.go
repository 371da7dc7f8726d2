// Admission of a run: the rules every store applies inside CreateExecution's transaction, and
// the errors and arithmetic they share, so both engines answer alike.

package store

import (
	"context"
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
)

// AdmitTx is what the admission rules read and write, inside a driver's transaction. Each
// method wraps one query of the driver, and returns the driver's classified errors.
type AdmitTx interface {
	// InsertSession stores a new session (NewExecution.NewSession); Conflict when its id exists.
	InsertSession(ctx context.Context, s session.Session) error
	// LockSession returns the session's status and owner, serializing the admissions of one
	// session; found is false for an unknown session.
	LockSession(ctx context.Context, id string) (status session.Status, owner string, found bool, err error)
	IdempotencyKey(ctx context.Context, key string) (k IdempotencyRecord, found bool, err error)
	DeleteIdempotencyKey(ctx context.Context, key string) error
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
	SaveCode(ctx context.Context, n NewExecution) error
	ActiveExecutions(ctx context.Context, sessionID string, max int) ([]string, error)
	RecentRuns(ctx context.Context, sessionID string, since time.Time) (runs int64, oldest time.Time, err error)
	// LockOwner serializes the admissions of all one owner's sessions.
	LockOwner(ctx context.Context, owner string) error
	OwnerActiveExecutions(ctx context.Context, owner string) (int64, error)
	OwnerRecentRuns(ctx context.Context, owner string, since time.Time) (runs int64, oldest time.Time, err error)
	// InsertExecution stores n as QUEUED; Conflict when its id exists.
	InsertExecution(ctx context.Context, n NewExecution, owner string) error
	InsertIdempotencyKey(ctx context.Context, n NewExecution) error
}

// IdempotencyRecord is a stored idempotency key.
type IdempotencyRecord struct {
	RequestHash string
	ExecutionID string
	CreatedAt   time.Time
}

// Admit applies the admission rules to n and stores it, in this order: the session exists; an
// idempotency key replays its execution (even when the session's limits are spent), or is
// refused for another request, or is free again (expired, or its run was refused); the session
// is ACTIVE; SaveCode; the session's active and rate limits; the owner's quotas. created is
// false for a replay. With n.NewSession, the idempotency key is looked up first and the session
// is inserted only when the run is no replay. Errors: as store.Store's CreateExecution, and tx's.
func Admit(ctx context.Context, tx AdmitTx, n NewExecution) (e execution.Execution, created bool, err error) {
	keyChecked := false
	if n.NewSession != nil {
		if n.IdempotencyKey != "" {
			if e, replay, err := idempotent(ctx, tx, n); err != nil || replay {
				return e, false, err
			}
			keyChecked = true
		}
		if err := tx.InsertSession(ctx, *n.NewSession); err != nil {
			return e, false, err
		}
	}
	status, owner, found, err := tx.LockSession(ctx, n.SessionID)
	if err != nil {
		return e, false, err
	}
	if !found {
		return e, false, ErrSessionNotFound(n.SessionID)
	}
	if n.IdempotencyKey != "" && !keyChecked {
		if e, replay, err := idempotent(ctx, tx, n); err != nil || replay {
			return e, false, err
		}
	}
	if status != session.StatusActive {
		return e, false, errSessionClosed(n.SessionID)
	}
	if n.SaveCode {
		if err := tx.SaveCode(ctx, n); err != nil {
			return e, false, err
		}
	}
	if n.MaxActive > 0 {
		ids, err := tx.ActiveExecutions(ctx, n.SessionID, n.MaxActive)
		if err != nil {
			return e, false, err
		}
		if len(ids) >= n.MaxActive {
			return e, false, ErrActive(ids[0], n.MaxActive)
		}
	}
	if n.RateLimit > 0 && n.RateWindow > 0 {
		runs, oldest, err := tx.RecentRuns(ctx, n.SessionID, n.Now.Add(-n.RateWindow))
		if err != nil {
			return e, false, err
		}
		if perr := rateCheck(n, runs, oldest); perr != nil {
			return e, false, perr
		}
	}
	if err := ownerQuota(ctx, tx, n, owner); err != nil {
		return e, false, err
	}
	if err := tx.InsertExecution(ctx, n, owner); err != nil {
		return e, false, err
	}
	if n.IdempotencyKey != "" {
		if err := tx.InsertIdempotencyKey(ctx, n); err != nil {
			return e, false, err
		}
	}
	return queued(n), true, nil
}

// idempotent looks n's key up: replay is true with the execution the key made; false when the
// key is unknown or free again (then deleted).
func idempotent(ctx context.Context, tx AdmitTx, n NewExecution) (e execution.Execution, replay bool, err error) {
	k, found, err := tx.IdempotencyKey(ctx, n.IdempotencyKey)
	switch {
	case err != nil || !found:
		return e, false, err
	case n.IdempotencyTTL > 0 && !k.CreatedAt.After(idempotencyCutoff(n)):
		return e, false, tx.DeleteIdempotencyKey(ctx, n.IdempotencyKey)
	case k.RequestHash != n.RequestHash:
		return e, false, errIdempotencyMismatch()
	}
	if e, err = tx.GetExecution(ctx, k.ExecutionID); err != nil || !refused(e) {
		return e, err == nil, err
	}
	// The run this key made was refused (503): the key is free for the client's retry.
	return execution.Execution{}, false, tx.DeleteIdempotencyKey(ctx, n.IdempotencyKey)
}

// ownerQuota applies the owner's quotas, after LockOwner (always after the session's lock, so
// two admissions cannot deadlock).
func ownerQuota(ctx context.Context, tx AdmitTx, n NewExecution, owner string) error {
	active, rate := ownerQuotaApplies(n, owner)
	if !active && !rate {
		return nil
	}
	if err := tx.LockOwner(ctx, owner); err != nil {
		return err
	}
	if active {
		count, err := tx.OwnerActiveExecutions(ctx, owner)
		if err != nil {
			return err
		}
		if count >= int64(n.OwnerMaxActive) {
			return errOwnerActive(owner, n.OwnerMaxActive)
		}
	}
	if rate {
		runs, oldest, err := tx.OwnerRecentRuns(ctx, owner, n.Now.Add(-n.OwnerRateWindow))
		if err != nil {
			return err
		}
		if perr := ownerRateCheck(n, owner, runs, oldest); perr != nil {
			return perr
		}
	}
	return nil
}

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

// errSessionClosed returns the Conflict error for a change to a CLOSED session.
func errSessionClosed(id string) *problem.Error {
	return &problem.Error{Kind: problem.Conflict, Message: fmt.Sprintf("session %s is closed", id), Ref: id}
}

// WhyNotUpdated explains why a conditional update of ACTIVE session id of owner (nil: any)
// matched nothing, given what reading the session then gave: unknown or another owner's
// (NotFound, never revealing that it exists), or closed (Conflict).
func WhyNotUpdated(id string, owner *string, sess session.Session, err error) error {
	switch {
	case err != nil:
		return err
	case owner != nil && sess.Owner != *owner:
		return ErrSessionNotFound(id)
	}
	return errSessionClosed(id)
}

// ErrActive returns the Conflict error for a run refused because activeID is still active.
func ErrActive(activeID string, max int) *problem.Error {
	return &problem.Error{Kind: problem.Conflict, Ref: activeID,
		Message: fmt.Sprintf("execution %s is still active (at most %d active per session)", activeID, max)}
}

// errIdempotencyMismatch returns the Unprocessable error for a key reused with another request.
func errIdempotencyMismatch() *problem.Error {
	return &problem.Error{Kind: problem.Unprocessable, Field: "Idempotency-Key",
		Message: "idempotency key was already used with a different request"}
}

// rateCheck applies the run rate limit: runs executions were created since now-window, the
// oldest at oldest. It returns a RateLimited error whose RetryAfter is when the oldest leaves
// the window (whole seconds, at least one), or nil when another run is allowed.
func rateCheck(n NewExecution, runs int64, oldest time.Time) *problem.Error {
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

// idempotencyCutoff is the creation time before which a stored key has expired.
func idempotencyCutoff(n NewExecution) time.Time { return n.Now.Add(-n.IdempotencyTTL) }

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

// refused reports whether e ended without running because its job could not be queued: the
// client was told 503, so an idempotency key that made e may be used again.
func refused(e execution.Execution) bool {
	return e.Status == execution.StatusFailed && e.Result.Reason == execution.ReasonQueueUnavailable
}

// errOwnerActive returns the RateLimited error for a run refused by the owner's active quota.
func errOwnerActive(owner string, max int) *problem.Error {
	return &problem.Error{Kind: problem.RateLimited,
		Message: fmt.Sprintf("quota exceeded: API key %s may have at most %d active executions (QUOTA_MAX_ACTIVE)", owner, max)}
}

// ownerQuotaApplies reports whether the owner's quotas bound a run of a session owned by owner.
func ownerQuotaApplies(n NewExecution, owner string) (active, rate bool) {
	if owner == "" {
		return false, false
	}
	return n.OwnerMaxActive > 0, n.OwnerRateLimit > 0 && n.OwnerRateWindow > 0
}

// ownerRateCheck applies the owner's run quota as rateCheck applies the session's rate limit.
func ownerRateCheck(n NewExecution, owner string, runs int64, oldest time.Time) *problem.Error {
	perr := rateCheck(NewExecution{Now: n.Now, RateLimit: n.OwnerRateLimit, RateWindow: n.OwnerRateWindow}, runs, oldest)
	if perr != nil {
		perr.Message = fmt.Sprintf("quota exceeded: API key %s may start at most %d runs per %s (QUOTA_RUN_RATE_LIMIT)",
			owner, n.OwnerRateLimit, n.OwnerRateWindow)
	}
	return perr
}
