// Retention of the PostgreSQL store: purges and deletions, each statement its own transaction.

package postgres

import (
	"context"
	"time"

	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

// purgeTx implements store.PurgeTx with one autocommitted statement per call, so that no
// lock outlives a batch.
type purgeTx struct{ q *pgdb.Queries }

func (t purgeTx) PurgeExecutions(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeExecutions(ctx, pgdb.PurgeExecutionsParams{FinishedBefore: &before, MaxRows: int32(limit)})
	return n, fail("purge executions", err)
}

func (t purgeTx) PurgeKeys(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeIdempotencyKeys(ctx, pgdb.PurgeIdempotencyKeysParams{CreatedBefore: before, MaxRows: int32(limit)})
	return n, fail("purge idempotency keys", err)
}

func (t purgeTx) PurgeClosedSessionExecutions(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeClosedSessionExecutions(ctx, pgdb.PurgeClosedSessionExecutionsParams{ClosedBefore: before, MaxRows: int32(limit)})
	return n, fail("purge closed sessions' executions", err)
}

func (t purgeTx) PurgeClosedSessions(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeClosedSessions(ctx, pgdb.PurgeClosedSessionsParams{ClosedBefore: before, MaxRows: int32(limit)})
	return n, fail("purge closed sessions", err)
}

func (t purgeTx) DeleteSessionExecutions(ctx context.Context, id string, limit int) (int64, error) {
	n, err := t.q.DeleteSessionExecutions(ctx, pgdb.DeleteSessionExecutionsParams{SessionID: id, MaxRows: int32(limit)})
	return n, fail("delete session executions", err)
}

func (t purgeTx) DeleteEmptySession(ctx context.Context, id string) (int64, error) {
	n, err := t.q.DeleteEmptySession(ctx, id)
	return n, fail("delete session", err)
}

func (t purgeTx) ActiveExecutions(ctx context.Context, id string, max int) ([]string, error) {
	ids, err := t.q.ActiveExecutions(ctx, pgdb.ActiveExecutionsParams{SessionID: id, MaxRows: int32(max)})
	return ids, fail("active executions", err)
}

// Purge deletes one batch of each kind of expired row. Errors: Unavailable.
func (s *Store) Purge(ctx context.Context, e store.Expiry, limit int) (int, error) {
	return store.Purge(ctx, purgeTx{s.q}, e, limit)
}

// PurgeSession deletes a session and its executions. Errors: NotFound, Conflict while one of
// its executions is active.
func (s *Store) PurgeSession(ctx context.Context, id string, batch int) error {
	return store.PurgeSession(ctx, purgeTx{s.q}, func(ctx context.Context, id string) error {
		_, err := s.GetSession(ctx, id)
		return err
	}, id, batch)
}

// DeleteExecution deletes a finished execution, its output and its idempotency keys. Errors:
// NotFound, Conflict while it is QUEUED or RUNNING.
func (s *Store) DeleteExecution(ctx context.Context, id string) error {
	n, err := s.q.DeleteExecution(ctx, id)
	if err != nil || n == 1 {
		return fail("delete execution", err)
	}
	e, err := s.GetExecution(ctx, id)
	return store.WhyNotDeleted(id, e, err)
}
