// Admission of a run: the rules every store applies inside CreateExecution's transaction.

package store

import (
	"context"
	"time"

	"livecode/internal/execution"
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
	// InsertDelivery stores n.Webhook as the pending delivery of n's execution.
	InsertDelivery(ctx context.Context, n NewExecution, owner string) error
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
		return e, false, ErrSessionClosed(n.SessionID)
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
		if perr := RateCheck(n, runs, oldest); perr != nil {
			return e, false, perr
		}
	}
	if err := ownerQuota(ctx, tx, n, owner); err != nil {
		return e, false, err
	}
	if err := tx.InsertExecution(ctx, n, owner); err != nil {
		return e, false, err
	}
	if n.Webhook != nil {
		if err := tx.InsertDelivery(ctx, n, owner); err != nil {
			return e, false, err
		}
	}
	if n.IdempotencyKey != "" {
		if err := tx.InsertIdempotencyKey(ctx, n); err != nil {
			return e, false, err
		}
	}
	return Queued(n), true, nil
}

// idempotent looks n's key up: replay is true with the execution the key made; false when the
// key is unknown or free again (then deleted).
func idempotent(ctx context.Context, tx AdmitTx, n NewExecution) (e execution.Execution, replay bool, err error) {
	k, found, err := tx.IdempotencyKey(ctx, n.IdempotencyKey)
	switch {
	case err != nil || !found:
		return e, false, err
	case n.IdempotencyTTL > 0 && !k.CreatedAt.After(IdempotencyCutoff(n)):
		return e, false, tx.DeleteIdempotencyKey(ctx, n.IdempotencyKey)
	case k.RequestHash != n.RequestHash:
		return e, false, ErrIdempotencyMismatch()
	}
	if e, err = tx.GetExecution(ctx, k.ExecutionID); err != nil || !Refused(e) {
		return e, err == nil, err
	}
	// The run this key made was refused (503): the key is free for the client's retry.
	return execution.Execution{}, false, tx.DeleteIdempotencyKey(ctx, n.IdempotencyKey)
}

// ownerQuota applies the owner's quotas, after LockOwner (always after the session's lock, so
// two admissions cannot deadlock).
func ownerQuota(ctx context.Context, tx AdmitTx, n NewExecution, owner string) error {
	active, rate := OwnerQuotaApplies(n, owner)
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
			return ErrOwnerActive(owner, n.OwnerMaxActive)
		}
	}
	if rate {
		runs, oldest, err := tx.OwnerRecentRuns(ctx, owner, n.Now.Add(-n.OwnerRateWindow))
		if err != nil {
			return err
		}
		if perr := OwnerRateCheck(n, owner, runs, oldest); perr != nil {
			return perr
		}
	}
	return nil
}
