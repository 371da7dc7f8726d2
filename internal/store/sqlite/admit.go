// The admission rules' queries (store.AdmitTx) on SQLite. The IMMEDIATE transaction holds the
// database's write lock, so admissions are serialized: the session and owner locks are free.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

// admitTx implements store.AdmitTx on one transaction's queries.
type admitTx struct{ q *sqlitedb.Queries }

var _ store.AdmitTx = admitTx{}

func (t admitTx) InsertSession(ctx context.Context, s session.Session) error {
	return insertSession(ctx, t.q, s)
}

func (t admitTx) LockSession(ctx context.Context, id string) (session.Status, string, bool, error) {
	s, err := t.q.GetSession(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fail("get session", err)
	}
	return session.Status(s.Status), s.Owner, true, nil
}

func (t admitTx) IdempotencyKey(ctx context.Context, key string) (store.IdempotencyRecord, bool, error) {
	k, err := t.q.GetIdempotencyKey(ctx, key)
	if errors.Is(err, sql.ErrNoRows) {
		return store.IdempotencyRecord{}, false, nil
	}
	if err != nil {
		return store.IdempotencyRecord{}, false, fail("get idempotency key", err)
	}
	return store.IdempotencyRecord{RequestHash: k.RequestHash, ExecutionID: k.ExecutionID, CreatedAt: fromMS(k.CreatedAt)}, true, nil
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
	_, err := t.q.UpdateSession(ctx, sqlitedb.UpdateSessionParams{Language: &n.Language,
		SourceCode: &n.Code, UpdatedAt: ms(n.Now), ID: n.SessionID})
	return fail("save code", err)
}

func (t admitTx) ActiveExecutions(ctx context.Context, sessionID string, max int) ([]string, error) {
	ids, err := t.q.ActiveExecutions(ctx, sqlitedb.ActiveExecutionsParams{SessionID: sessionID, MaxRows: int64(max)})
	return ids, fail("active executions", err)
}

func (t admitTx) RecentRuns(ctx context.Context, sessionID string, since time.Time) (int64, time.Time, error) {
	rr, err := t.q.RecentRuns(ctx, sqlitedb.RecentRunsParams{SessionID: sessionID, Since: ms(since)})
	return rr.Runs, fromMS(rr.Oldest), fail("recent runs", err)
}

func (t admitTx) LockOwner(context.Context, string) error { return nil }

func (t admitTx) OwnerActiveExecutions(ctx context.Context, owner string) (int64, error) {
	n, err := t.q.OwnerActiveExecutions(ctx, owner)
	return n, fail("owner active executions", err)
}

func (t admitTx) OwnerRecentRuns(ctx context.Context, owner string, since time.Time) (int64, time.Time, error) {
	rr, err := t.q.OwnerRecentRuns(ctx, sqlitedb.OwnerRecentRunsParams{Owner: owner, Since: ms(since)})
	return rr.Runs, fromMS(rr.Oldest), fail("owner recent runs", err)
}

func (t admitTx) InsertExecution(ctx context.Context, n store.NewExecution, owner string) error {
	err := t.q.InsertExecution(ctx, sqlitedb.InsertExecutionParams{ID: n.ID, SessionID: n.SessionID, Owner: owner,
		Language: n.Language, Code: n.Code, Files: store.EncodeFiles(n.Files), Stdin: n.Stdin, Interactive: boolInt(n.Interactive),
		Args: store.EncodeList(n.Args), TimeLimitMs: int64(n.Limits.TimeLimitMS),
		MemoryLimitMb: int64(n.Limits.MemoryLimitMB), MaxProcesses: int64(n.Limits.MaxProcesses),
		OutputLimitBytes: int64(n.Limits.OutputLimitBytes), QueuedAt: ms(n.Now), ExpectedOutput: n.ExpectedOutput,
		Judge: store.EncodeJudge(n.Judge), Encoding: string(n.Encoding)})
	if isUnique(err) {
		return problem.New(problem.Conflict, "execution %s already exists", n.ID)
	}
	return fail("insert execution", err)
}

func (t admitTx) InsertIdempotencyKey(ctx context.Context, n store.NewExecution) error {
	return fail("insert idempotency key", t.q.InsertIdempotencyKey(ctx, sqlitedb.InsertIdempotencyKeyParams{
		Key: n.IdempotencyKey, RequestHash: n.RequestHash, ExecutionID: n.ID, CreatedAt: ms(n.Now)}))
}
