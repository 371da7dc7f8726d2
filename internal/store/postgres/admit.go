// The admission rules' queries (store.AdmitTx) on PostgreSQL: the session row is locked
// (SELECT … FOR UPDATE) and the owner by a transaction-scoped advisory lock.

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

// admitTx implements store.AdmitTx on one transaction's queries.
type admitTx struct{ q *pgdb.Queries }

var _ store.AdmitTx = admitTx{}

func (t admitTx) InsertSession(ctx context.Context, s session.Session) error {
	return insertSession(ctx, t.q, s)
}

func (t admitTx) LockSession(ctx context.Context, id string) (session.Status, string, bool, error) {
	s, err := t.q.LockSession(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fail("lock session", err)
	}
	return session.Status(s.Status), s.Owner, true, nil
}

func (t admitTx) IdempotencyKey(ctx context.Context, key string) (store.IdempotencyRecord, bool, error) {
	k, err := t.q.GetIdempotencyKey(ctx, key)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.IdempotencyRecord{}, false, nil
	}
	if err != nil {
		return store.IdempotencyRecord{}, false, fail("get idempotency key", err)
	}
	return store.IdempotencyRecord{RequestHash: k.RequestHash, ExecutionID: k.ExecutionID, CreatedAt: k.CreatedAt}, true, nil
}

func (t admitTx) DeleteIdempotencyKey(ctx context.Context, key string) error {
	return fail("delete idempotency key", t.q.DeleteIdempotencyKey(ctx, key))
}

func (t admitTx) GetExecution(ctx context.Context, id string) (execution.Execution, error) {
	r, err := t.q.GetExecution(ctx, id)
	if err != nil {
		return execution.Execution{}, fail("get idempotent execution", err)
	}
	return toExecution(r)
}

func (t admitTx) SaveCode(ctx context.Context, n store.NewExecution) error {
	_, err := t.q.UpdateSession(ctx, pgdb.UpdateSessionParams{Language: &n.Language,
		SourceCode: []byte(n.Code), UpdatedAt: ts(n.Now), ID: n.SessionID})
	return fail("save code", err)
}

func (t admitTx) ActiveExecutions(ctx context.Context, sessionID string, max int) ([]string, error) {
	ids, err := t.q.ActiveExecutions(ctx, pgdb.ActiveExecutionsParams{SessionID: sessionID, MaxRows: int32(max)})
	return ids, fail("active executions", err)
}

func (t admitTx) RecentRuns(ctx context.Context, sessionID string, since time.Time) (int64, time.Time, error) {
	rr, err := t.q.RecentRuns(ctx, pgdb.RecentRunsParams{SessionID: sessionID, Since: ts(since)})
	return rr.Runs, rr.Oldest, fail("recent runs", err)
}

func (t admitTx) LockOwner(ctx context.Context, owner string) error {
	return fail("lock owner", t.q.LockOwner(ctx, owner))
}

func (t admitTx) OwnerActiveExecutions(ctx context.Context, owner string) (int64, error) {
	n, err := t.q.OwnerActiveExecutions(ctx, owner)
	return n, fail("owner active executions", err)
}

func (t admitTx) OwnerRecentRuns(ctx context.Context, owner string, since time.Time) (int64, time.Time, error) {
	rr, err := t.q.OwnerRecentRuns(ctx, pgdb.OwnerRecentRunsParams{Owner: owner, Since: ts(since)})
	return rr.Runs, rr.Oldest, fail("owner recent runs", err)
}

func (t admitTx) InsertExecution(ctx context.Context, n store.NewExecution, owner string) error {
	err := t.q.InsertExecution(ctx, pgdb.InsertExecutionParams{ID: n.ID, SessionID: n.SessionID, Owner: owner,
		Language: n.Language, Code: []byte(n.Code), Files: store.EncodeFiles(n.Files), Stdin: []byte(n.Stdin), Interactive: n.Interactive,
		Args: store.EncodeList(n.Args), TimeLimitMs: int32(n.Limits.TimeLimitMS),
		MemoryLimitMb: int32(n.Limits.MemoryLimitMB), MaxProcesses: int32(n.Limits.MaxProcesses),
		OutputLimitBytes: int32(n.Limits.OutputLimitBytes), QueuedAt: ts(n.Now), ExpectedOutput: nullBytes(n.ExpectedOutput),
		Judge: store.EncodeJudge(n.Judge), Encoding: string(n.Encoding)})
	if uniqueViolation(err) != "" {
		return problem.New(problem.Conflict, "execution %s already exists", n.ID)
	}
	return fail("insert execution", err)
}

// InsertIdempotencyKey stores n's key; a unique violation means a concurrent request of another
// session took the key first: errKeyRace makes CreateExecution retry and find its execution.
func (t admitTx) InsertIdempotencyKey(ctx context.Context, n store.NewExecution) error {
	err := t.q.InsertIdempotencyKey(ctx, pgdb.InsertIdempotencyKeyParams{Key: n.IdempotencyKey,
		RequestHash: n.RequestHash, ExecutionID: n.ID, CreatedAt: ts(n.Now)})
	if uniqueViolation(err) != "" {
		return fmt.Errorf("postgres: %w", errKeyRace)
	}
	return fail("insert idempotency key", err)
}
