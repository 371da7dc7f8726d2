// Execution admission and reads of the PostgreSQL store.

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

// admitAttempts bounds the retries of CreateExecution after losing an idempotency-key race.
const admitAttempts = 3

// errKeyRace marks a transaction that lost the insert of its idempotency key to another one.
var errKeyRace = errors.New("idempotency key inserted concurrently")

// CreateExecution admits and stores a QUEUED execution in one transaction. The session row is
// locked first (SELECT … FOR UPDATE), so concurrent runs of one session pass the admission
// checks one at a time; a request that loses an idempotency-key race with another session's
// request is retried and then finds the winner's execution.
// Errors: NotFound, Conflict, RateLimited, Unprocessable as described on store.Store; Unavailable.
func (s *Store) CreateExecution(ctx context.Context, n store.NewExecution) (execution.Execution, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		e, created, err := s.createOnce(ctx, n)
		if errors.Is(err, errKeyRace) && attempt < admitAttempts {
			continue
		}
		return e, created, err
	}
}

func (s *Store) createOnce(ctx context.Context, n store.NewExecution) (execution.Execution, bool, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return execution.Execution{}, false, fail("begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	e, created, err := store.Admit(ctx, admitTx{s.q.WithTx(tx)}, n)
	if err != nil {
		return execution.Execution{}, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return execution.Execution{}, false, fail("commit", err)
	}
	return e, created, nil
}

// GetExecution returns an execution. Errors: NotFound; Unavailable.
func (s *Store) GetExecution(ctx context.Context, id string) (execution.Execution, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.GetExecution(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return execution.Execution{}, store.ErrExecutionNotFound(id)
	}
	if err != nil {
		return execution.Execution{}, fail("get execution", err)
	}
	return toExecution(r)
}

// ListExecutions returns a page of a session's executions, newest first.
// Errors: NotFound for an unknown session, Invalid for a malformed cursor; Unavailable.
func (s *Store) ListExecutions(ctx context.Context, sessionID string, limit int, before string) ([]execution.Execution, string, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	if _, err := s.GetSession(ctx, sessionID); err != nil {
		return nil, "", err
	}
	var rows []pgdb.Execution
	var err error
	if before == "" {
		rows, err = s.q.ListExecutions(ctx, pgdb.ListExecutionsParams{SessionID: sessionID, MaxRows: int32(limit + 1)})
	} else {
		at, id, cerr := store.DecodeCursor(before)
		if cerr != nil {
			return nil, "", cerr
		}
		rows, err = s.q.ListExecutionsBefore(ctx, pgdb.ListExecutionsBeforeParams{SessionID: sessionID,
			QueuedAt: at, ID: id, MaxRows: int32(limit + 1)})
	}
	if err != nil {
		return nil, "", fail("list executions", err)
	}
	rows, next := store.PageOf(rows, limit, func(r pgdb.Execution) (time.Time, string) { return r.QueuedAt, r.ID })
	page, err := toExecutions(rows)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list executions: %w", err)
	}
	return page, next, nil
}

// LatestExecution returns the session's newest execution. Errors: NotFound if it has none; Unavailable.
func (s *Store) LatestExecution(ctx context.Context, sessionID string) (execution.Execution, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.LatestExecution(ctx, sessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return execution.Execution{}, problem.New(problem.NotFound, "session %s has no execution", sessionID)
	}
	if err != nil {
		return execution.Execution{}, fail("latest execution", err)
	}
	return toExecution(r)
}
