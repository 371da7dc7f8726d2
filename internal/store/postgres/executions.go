// Execution admission and reads of the PostgreSQL store.
package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
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
	e, created, err := admit(ctx, s.q.WithTx(tx), n)
	if err != nil {
		return execution.Execution{}, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return execution.Execution{}, false, fail("commit", err)
	}
	return e, created, nil
}

func admit(ctx context.Context, q *pgdb.Queries, n store.NewExecution) (execution.Execution, bool, error) {
	sess, err := q.LockSession(ctx, n.SessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return execution.Execution{}, false, store.ErrSessionNotFound(n.SessionID)
	}
	if err != nil {
		return execution.Execution{}, false, fail("lock session", err)
	}
	if n.IdempotencyKey != "" {
		k, err := q.GetIdempotencyKey(ctx, n.IdempotencyKey)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return execution.Execution{}, false, fail("get idempotency key", err)
		case n.IdempotencyTTL > 0 && !k.CreatedAt.After(store.IdempotencyCutoff(n)):
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
		_, err := q.UpdateSession(ctx, pgdb.UpdateSessionParams{Language: &n.Language,
			SourceCode: []byte(n.Code), UpdatedAt: ts(n.Now), ID: n.SessionID})
		if err != nil {
			return execution.Execution{}, false, fail("save code", err)
		}
	}
	if n.MaxActive > 0 {
		ids, err := q.ActiveExecutions(ctx, pgdb.ActiveExecutionsParams{SessionID: n.SessionID, MaxRows: int32(n.MaxActive)})
		if err != nil {
			return execution.Execution{}, false, fail("active executions", err)
		}
		if len(ids) >= n.MaxActive {
			return execution.Execution{}, false, store.ErrActive(ids[0], n.MaxActive)
		}
	}
	if n.RateLimit > 0 && n.RateWindow > 0 {
		rr, err := q.RecentRuns(ctx, pgdb.RecentRunsParams{SessionID: n.SessionID, Since: ts(n.Now.Add(-n.RateWindow))})
		if err != nil {
			return execution.Execution{}, false, fail("recent runs", err)
		}
		if perr := store.RateCheck(n, rr.Runs, rr.Oldest); perr != nil {
			return execution.Execution{}, false, perr
		}
	}
	if err := ownerQuota(ctx, q, n, sess.Owner); err != nil {
		return execution.Execution{}, false, err
	}
	err = q.InsertExecution(ctx, pgdb.InsertExecutionParams{ID: n.ID, SessionID: n.SessionID, Owner: sess.Owner,
		Language: n.Language, Code: []byte(n.Code), Files: store.EncodeList(n.Files), Stdin: []byte(n.Stdin), Interactive: n.Interactive,
		Args: store.EncodeList(n.Args), TimeLimitMs: int32(n.Limits.TimeLimitMS),
		MemoryLimitMb: int32(n.Limits.MemoryLimitMB), MaxProcesses: int32(n.Limits.MaxProcesses),
		OutputLimitBytes: int32(n.Limits.OutputLimitBytes), QueuedAt: ts(n.Now)})
	if uniqueViolation(err) != "" {
		return execution.Execution{}, false, problem.New(problem.Conflict, "execution %s already exists", n.ID)
	}
	if err != nil {
		return execution.Execution{}, false, fail("insert execution", err)
	}
	if n.IdempotencyKey != "" {
		err := q.InsertIdempotencyKey(ctx, pgdb.InsertIdempotencyKeyParams{Key: n.IdempotencyKey,
			RequestHash: n.RequestHash, ExecutionID: n.ID, CreatedAt: ts(n.Now)})
		if uniqueViolation(err) != "" {
			return execution.Execution{}, false, fmt.Errorf("postgres: %w", errKeyRace)
		}
		if err != nil {
			return execution.Execution{}, false, fail("insert idempotency key", err)
		}
	}
	return store.Queued(n), true, nil
}

// ownerQuota applies the owner's quotas. The session row lock serializes one session's runs
// only; a transaction-scoped advisory lock on the owner serializes the runs of all its sessions
// (taken after the row lock, always in that order, so two admissions cannot deadlock).
func ownerQuota(ctx context.Context, q *pgdb.Queries, n store.NewExecution, owner string) error {
	active, rate := store.OwnerQuotaApplies(n, owner)
	if !active && !rate {
		return nil
	}
	if err := q.LockOwner(ctx, owner); err != nil {
		return fail("lock owner", err)
	}
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
		rr, err := q.OwnerRecentRuns(ctx, pgdb.OwnerRecentRunsParams{Owner: owner, Since: ts(n.Now.Add(-n.OwnerRateWindow))})
		if err != nil {
			return fail("owner recent runs", err)
		}
		if perr := store.OwnerRateCheck(n, owner, rr.Runs, rr.Oldest); perr != nil {
			return perr
		}
	}
	return nil
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
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = store.EncodeCursor(last.QueuedAt, last.ID)
	}
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
