// Retention of the SQLite store: purges and deletions, each statement on the one writer connection.

package sqlite

import (
	"context"
	"time"

	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

// purgeTx implements store.PurgeTx with one autocommitted statement per call, so that the
// writer connection is held only for a batch.
type purgeTx struct{ q *sqlitedb.Queries }

func (t purgeTx) PurgeExecutions(ctx context.Context, before time.Time, limit int) (int64, error) {
	b := ms(before)
	n, err := t.q.PurgeExecutions(ctx, sqlitedb.PurgeExecutionsParams{FinishedBefore: &b, MaxRows: int64(limit)})
	return n, fail("purge executions", err)
}

func (t purgeTx) PurgeKeys(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeIdempotencyKeys(ctx, sqlitedb.PurgeIdempotencyKeysParams{CreatedBefore: ms(before), MaxRows: int64(limit)})
	return n, fail("purge idempotency keys", err)
}

func (t purgeTx) PurgeClosedSessionExecutions(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeClosedSessionExecutions(ctx, sqlitedb.PurgeClosedSessionExecutionsParams{ClosedBefore: ms(before), MaxRows: int64(limit)})
	return n, fail("purge closed sessions' executions", err)
}

func (t purgeTx) PurgeClosedSessions(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := t.q.PurgeClosedSessions(ctx, sqlitedb.PurgeClosedSessionsParams{ClosedBefore: ms(before), MaxRows: int64(limit)})
	return n, fail("purge closed sessions", err)
}

func (t purgeTx) DeleteSessionExecutions(ctx context.Context, id string, limit int) (int64, error) {
	n, err := t.q.DeleteSessionExecutions(ctx, sqlitedb.DeleteSessionExecutionsParams{SessionID: id, MaxRows: int64(limit)})
	return n, fail("delete session executions", err)
}

func (t purgeTx) DeleteEmptySession(ctx context.Context, id string) (int64, error) {
	n, err := t.q.DeleteEmptySession(ctx, id)
	return n, fail("delete session", err)
}

func (t purgeTx) ActiveExecutions(ctx context.Context, id string, max int) ([]string, error) {
	ids, err := t.q.ActiveExecutions(ctx, sqlitedb.ActiveExecutionsParams{SessionID: id, MaxRows: int64(max)})
	return ids, fail("active executions", err)
}

// Purge deletes one batch of each kind of expired row. Errors: Unavailable.
func (s *Store) Purge(ctx context.Context, e store.Expiry, limit int) (int, error) {
	return store.Purge(ctx, purgeTx{s.wq}, e, limit)
}

// PurgeSession deletes a session and its executions. Errors: NotFound, Conflict while one of
// its executions is active.
func (s *Store) PurgeSession(ctx context.Context, id string, batch int) error {
	return store.PurgeSession(ctx, purgeTx{s.wq}, func(ctx context.Context, id string) error {
		_, err := s.GetSession(ctx, id)
		return err
	}, id, batch)
}

// DeleteExecution deletes a finished execution, its output and its idempotency keys. Errors:
// NotFound, Conflict while it is QUEUED or RUNNING.
func (s *Store) DeleteExecution(ctx context.Context, id string) error {
	n, err := s.wq.DeleteExecution(ctx, id)
	if err != nil || n == 1 {
		return fail("delete execution", err)
	}
	e, err := s.GetExecution(ctx, id)
	return store.WhyNotDeleted(id, e, err)
}
