// Execution admission and reads of the SQLite store.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

// CreateExecution admits and stores a QUEUED execution in one IMMEDIATE transaction, which
// holds SQLite's write lock from the start, so admission checks cannot race.
// Errors: NotFound, Conflict, RateLimited, Unprocessable as described on store.Store.
func (s *Store) CreateExecution(ctx context.Context, n store.NewExecution) (execution.Execution, bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return execution.Execution{}, false, fail("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	e, created, err := store.Admit(ctx, admitTx{s.wq.WithTx(tx)}, n)
	if err != nil {
		return execution.Execution{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return execution.Execution{}, false, fail("commit", err)
	}
	return e, created, nil
}

// GetExecution returns an execution. Errors: NotFound.
func (s *Store) GetExecution(ctx context.Context, id string) (execution.Execution, error) {
	r, err := s.rq.GetExecution(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return execution.Execution{}, store.ErrExecutionNotFound(id)
	}
	if err != nil {
		return execution.Execution{}, fail("get execution", err)
	}
	return toExecution(r)
}

// ListExecutions returns a page of a session's executions, newest first.
// Errors: NotFound for an unknown session, Invalid for a malformed cursor.
func (s *Store) ListExecutions(ctx context.Context, sessionID string, limit int, before string) ([]execution.Execution, string, error) {
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	if _, err := s.GetSession(ctx, sessionID); err != nil {
		return nil, "", err
	}
	var rows []sqlitedb.Execution
	var err error
	if before == "" {
		rows, err = s.rq.ListExecutions(ctx, sqlitedb.ListExecutionsParams{SessionID: sessionID, MaxRows: int64(limit + 1)})
	} else {
		at, id, cerr := store.DecodeCursor(before)
		if cerr != nil {
			return nil, "", cerr
		}
		rows, err = s.rq.ListExecutionsBefore(ctx, sqlitedb.ListExecutionsBeforeParams{SessionID: sessionID,
			QueuedAt: ms(at), ID: id, MaxRows: int64(limit + 1)})
	}
	if err != nil {
		return nil, "", fail("list executions", err)
	}
	rows, next := store.PageOf(rows, limit, func(r sqlitedb.Execution) (time.Time, string) { return fromMS(r.QueuedAt), r.ID })
	page, err := toExecutions(rows)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list executions: %w", err)
	}
	return page, next, nil
}

// LatestExecution returns the session's newest execution. Errors: NotFound if it has none.
func (s *Store) LatestExecution(ctx context.Context, sessionID string) (execution.Execution, error) {
	r, err := s.rq.LatestExecution(ctx, sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return execution.Execution{}, problem.New(problem.NotFound, "session %s has no execution", sessionID)
	}
	if err != nil {
		return execution.Execution{}, fail("latest execution", err)
	}
	return toExecution(r)
}

// boolInt is SQLite's spelling of a boolean.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
