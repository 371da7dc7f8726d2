// Retention: what expires, and the rules for purging it in short statements, written once for both drivers.

package store

import (
	"context"
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
)

// Expiry names the cutoffs of one purge; a zero time keeps that kind forever.
type Expiry struct {
	ExecutionsBefore time.Time // finished executions that finished before this go, with their output
	SessionsBefore   time.Time // CLOSED sessions last changed before this go, with their executions
	KeysBefore       time.Time // idempotency keys created before this go
}

// PurgeTx is what a driver provides for retention. Each method is one short statement that
// deletes at most limit rows and returns how many it deleted; none touches a QUEUED or RUNNING
// execution.
type PurgeTx interface {
	PurgeExecutions(ctx context.Context, finishedBefore time.Time, limit int) (int64, error)
	PurgeKeys(ctx context.Context, createdBefore time.Time, limit int) (int64, error)
	PurgeClosedSessionExecutions(ctx context.Context, closedBefore time.Time, limit int) (int64, error)
	PurgeClosedSessions(ctx context.Context, closedBefore time.Time, limit int) (int64, error)
	DeleteSessionExecutions(ctx context.Context, sessionID string, limit int) (int64, error)
	DeleteEmptySession(ctx context.Context, sessionID string) (int64, error)
	ActiveExecutions(ctx context.Context, sessionID string, max int) ([]string, error)
}

// Purge runs one batch of each kind e expires, at most limit rows per statement, and returns
// how many rows it deleted in all. A caller purges everything by calling it until it returns
// less than limit; between calls writers get the database.
func Purge(ctx context.Context, tx PurgeTx, e Expiry, limit int) (int, error) {
	var total int64
	step := func(enabled bool, f func() (int64, error)) error {
		if !enabled {
			return nil
		}
		n, err := f()
		total += n
		return err
	}
	if err := step(!e.KeysBefore.IsZero(), func() (int64, error) { return tx.PurgeKeys(ctx, e.KeysBefore, limit) }); err != nil {
		return int(total), err
	}
	if err := step(!e.ExecutionsBefore.IsZero(), func() (int64, error) {
		return tx.PurgeExecutions(ctx, e.ExecutionsBefore, limit)
	}); err != nil {
		return int(total), err
	}
	if err := step(!e.SessionsBefore.IsZero(), func() (int64, error) {
		// The executions first, in batches, so that no statement cascades to a whole session's;
		// the sessions once a batch found no more executions to take.
		n, err := tx.PurgeClosedSessionExecutions(ctx, e.SessionsBefore, limit)
		if err != nil || n == int64(limit) {
			return n, err
		}
		m, err := tx.PurgeClosedSessions(ctx, e.SessionsBefore, limit)
		return n + m, err
	}); err != nil {
		return int(total), err
	}
	return int(total), nil
}

// PurgeSession removes a session and every execution of it, batch at a time. Errors: NotFound
// for an unknown session (exists reports it), Conflict while one of its executions is QUEUED
// or RUNNING; then nothing of the session is deleted unless a run was admitted meanwhile.
func PurgeSession(ctx context.Context, tx PurgeTx, exists func(context.Context, string) error, id string, batch int) error {
	if err := exists(ctx, id); err != nil {
		return err
	}
	if err := noActive(ctx, tx, id); err != nil {
		return err
	}
	for {
		n, err := tx.DeleteSessionExecutions(ctx, id, batch)
		if err != nil {
			return err
		}
		if n < int64(batch) {
			break
		}
	}
	n, err := tx.DeleteEmptySession(ctx, id)
	if err != nil || n == 1 {
		return err
	}
	if err := exists(ctx, id); err != nil {
		return err
	}
	if err := noActive(ctx, tx, id); err != nil {
		return err
	}
	return problem.New(problem.Conflict, "session %s got a new execution while it was being purged; purge it again", id)
}

func noActive(ctx context.Context, tx PurgeTx, id string) error {
	active, err := tx.ActiveExecutions(ctx, id, 1)
	if err != nil {
		return err
	}
	if len(active) > 0 {
		return &problem.Error{Kind: problem.Conflict, Ref: active[0],
			Message: fmt.Sprintf("session %s has an active execution %s: cancel it before purging", id, active[0])}
	}
	return nil
}

// WhyNotDeleted explains why deleting execution e (as read after the delete failed) removed
// nothing: NotFound when err says so, else Conflict while it is QUEUED or RUNNING.
func WhyNotDeleted(id string, e execution.Execution, err error) error {
	if err != nil {
		return err
	}
	if !e.Status.Terminal() {
		return &problem.Error{Kind: problem.Conflict, Ref: id,
			Message: fmt.Sprintf("execution %s is %s: cancel it before deleting it", id, e.Status)}
	}
	return nil // finished meanwhile and deleted by someone else; the result is the same
}
