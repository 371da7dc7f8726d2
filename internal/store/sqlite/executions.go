// Execution admission and reads of the SQLite store.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
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
	e, created, err := admit(ctx, s.wq.WithTx(tx), n)
	if err != nil {
		return execution.Execution{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return execution.Execution{}, false, fail("commit", err)
	}
	return e, created, nil
}

func admit(ctx context.Context, q *sqlitedb.Queries, n store.NewExecution) (execution.Execution, bool, error) {
	sess, err := q.GetSession(ctx, n.SessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return execution.Execution{}, false, store.ErrSessionNotFound(n.SessionID)
	}
	if err != nil {
		return execution.Execution{}, false, fail("get session", err)
	}
	if n.IdempotencyKey != "" {
		k, err := q.GetIdempotencyKey(ctx, n.IdempotencyKey)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return execution.Execution{}, false, fail("get idempotency key", err)
		case n.IdempotencyTTL > 0 && k.CreatedAt <= ms(store.IdempotencyCutoff(n)):
			if err := q.DeleteIdempotencyKey(ctx, k.Key); err != nil {
				return execution.Execution{}, false, fail("delete idempotency key", err)
			}
		case k.RequestHash != n.RequestHash:
			return execution.Execution{}, false, store.ErrIdempotencyMismatch()
		default:
			r, err := q.GetExecution(ctx, k.ExecutionID)
			if err != nil {
				return execution.Execution{}, false, fail("get idempotent execution", err)
			}
			e, err := toExecution(r)
			if err != nil || !store.Refused(e) {
				return e, false, err
			}
			// The run this key made was refused (503): the key is free for the client's retry.
			if err := q.DeleteIdempotencyKey(ctx, k.Key); err != nil {
				return execution.Execution{}, false, fail("delete idempotency key", err)
			}
		}
	}
	if session.Status(sess.Status) != session.StatusActive {
		return execution.Execution{}, false, store.ErrSessionClosed(n.SessionID)
	}
	if n.SaveCode {
		_, err := q.UpdateSession(ctx, sqlitedb.UpdateSessionParams{Language: &n.Language,
			SourceCode: &n.Code, UpdatedAt: ms(n.Now), ID: n.SessionID})
		if err != nil {
			return execution.Execution{}, false, fail("save code", err)
		}
	}
	if n.MaxActive > 0 {
		ids, err := q.ActiveExecutions(ctx, sqlitedb.ActiveExecutionsParams{SessionID: n.SessionID, MaxRows: int64(n.MaxActive)})
		if err != nil {
			return execution.Execution{}, false, fail("active executions", err)
		}
		if len(ids) >= n.MaxActive {
			return execution.Execution{}, false, store.ErrActive(ids[0], n.MaxActive)
		}
	}
	if n.RateLimit > 0 && n.RateWindow > 0 {
		rr, err := q.RecentRuns(ctx, sqlitedb.RecentRunsParams{SessionID: n.SessionID, Since: ms(n.Now.Add(-n.RateWindow))})
		if err != nil {
			return execution.Execution{}, false, fail("recent runs", err)
		}
		if perr := store.RateCheck(n, rr.Runs, fromMS(rr.Oldest)); perr != nil {
			return execution.Execution{}, false, perr
		}
	}
	if err := ownerQuota(ctx, q, n, sess.Owner); err != nil {
		return execution.Execution{}, false, err
	}
	err = q.InsertExecution(ctx, sqlitedb.InsertExecutionParams{ID: n.ID, SessionID: n.SessionID, Owner: sess.Owner,
		Language: n.Language, Code: n.Code, Files: store.EncodeList(n.Files), Stdin: n.Stdin, Interactive: boolInt(n.Interactive),
		Args: store.EncodeList(n.Args), TimeLimitMs: int64(n.Limits.TimeLimitMS),
		MemoryLimitMb: int64(n.Limits.MemoryLimitMB), MaxProcesses: int64(n.Limits.MaxProcesses),
		OutputLimitBytes: int64(n.Limits.OutputLimitBytes), QueuedAt: ms(n.Now)})
	if isUnique(err) {
		return execution.Execution{}, false, problem.New(problem.Conflict, "execution %s already exists", n.ID)
	}
	if err != nil {
		return execution.Execution{}, false, fail("insert execution", err)
	}
	if n.IdempotencyKey != "" {
		err := q.InsertIdempotencyKey(ctx, sqlitedb.InsertIdempotencyKeyParams{Key: n.IdempotencyKey,
			RequestHash: n.RequestHash, ExecutionID: n.ID, CreatedAt: ms(n.Now)})
		if err != nil {
			return execution.Execution{}, false, fail("insert idempotency key", err)
		}
	}
	return store.Queued(n), true, nil
}

// ownerQuota applies the owner's quotas. The IMMEDIATE transaction holds the database's write
// lock, so runs of one owner's sessions are admitted one at a time.
func ownerQuota(ctx context.Context, q *sqlitedb.Queries, n store.NewExecution, owner string) error {
	active, rate := store.OwnerQuotaApplies(n, owner)
	if active {
		count, err := q.OwnerActiveExecutions(ctx, owner)
		if err != nil {
			return fail("owner active executions", err)
		}
		if count >= int64(n.OwnerMaxActive) {
			return store.ErrOwnerActive(owner, n.OwnerMaxActive)
		}
	}
	if rate {
		rr, err := q.OwnerRecentRuns(ctx, sqlitedb.OwnerRecentRunsParams{Owner: owner, Since: ms(n.Now.Add(-n.OwnerRateWindow))})
		if err != nil {
			return fail("owner recent runs", err)
		}
		if perr := store.OwnerRateCheck(n, owner, rr.Runs, fromMS(rr.Oldest)); perr != nil {
			return perr
		}
	}
	return nil
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
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = store.EncodeCursor(fromMS(last.QueuedAt), last.ID)
	}
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
