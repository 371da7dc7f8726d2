// Execution state transitions of the SQLite store: claim, lease, finish, abort, reaping.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"livecode/internal/execution"
	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

// Claim moves a QUEUED execution, or a RUNNING one whose lease expired, to RUNNING for
// workerID in one conditional UPDATE. ok is false when nothing matched.
func (s *Store) Claim(ctx context.Context, id, workerID string, now time.Time, lease time.Duration) (execution.Execution, bool, error) {
	r, err := s.wq.Claim(ctx, sqlitedb.ClaimParams{WorkerID: workerID, LeaseExpiresAt: msp(now.Add(lease)),
		Now: msp(now), ID: id})
	if errors.Is(err, sql.ErrNoRows) {
		return execution.Execution{}, false, nil
	}
	if err != nil {
		return execution.Execution{}, false, fail("claim", err)
	}
	e, err := toExecution(r)
	return e, err == nil, err
}

// RenewLease extends the lease of the holder (workerID, attempt); false if it lost it.
func (s *Store) RenewLease(ctx context.Context, id, workerID string, attempt int, now time.Time, lease time.Duration) (bool, error) {
	n, err := s.wq.RenewLease(ctx, sqlitedb.RenewLeaseParams{LeaseExpiresAt: msp(now.Add(lease)), ID: id,
		WorkerID: workerID, Attempts: int64(attempt)})
	return n == 1, fail("renew lease", err)
}

// ReleaseLease expires the holder's lease at now so the execution can be claimed again.
func (s *Store) ReleaseLease(ctx context.Context, id, workerID string, attempt int, now time.Time) error {
	_, err := s.wq.ReleaseLease(ctx, sqlitedb.ReleaseLeaseParams{Now: msp(now), ID: id,
		WorkerID: workerID, Attempts: int64(attempt)})
	return fail("release lease", err)
}

// Finish stores the terminal result if (workerID, attempt) still holds the execution.
// Errors: a non-terminal r.Status.
func (s *Store) Finish(ctx context.Context, id, workerID string, attempt int, r execution.Result, now time.Time) (bool, error) {
	if err := store.CheckFinish(r); err != nil {
		return false, err
	}
	n, err := s.wq.Finish(ctx, sqlitedb.FinishParams{Status: string(r.Status), Reason: string(r.Reason),
		Stdout: r.Stdout, Stderr: r.Stderr, Output: r.Output, ExitCode: exitCode(r.ExitCode),
		Signal: r.Signal, ExecutionTimeMs: r.ExecutionTimeMS, CpuTimeMs: r.CPUTimeMS, MemoryKb: r.MemoryKB,
		CompileOutput: r.CompileOutput, CompileTimeMs: r.CompileTimeMS, TestResults: store.EncodeList(r.Tests), FinishedAt: msp(now),
		ID: id, WorkerID: workerID, Attempts: int64(attempt)})
	return n == 1, fail("finish", err)
}

// Abort ends a QUEUED or RUNNING execution with a terminal status; false if it was already
// terminal or is unknown. Errors: a non-terminal status.
func (s *Store) Abort(ctx context.Context, id string, status execution.Status, reason execution.Reason, now time.Time) (bool, error) {
	if err := store.CheckAbort(status); err != nil {
		return false, err
	}
	n, err := s.wq.Abort(ctx, sqlitedb.AbortParams{Status: string(status), Reason: string(reason),
		FinishedAt: msp(now), ID: id})
	return n == 1, fail("abort", err)
}

// Orphans lists executions QUEUED since before queuedBefore or RUNNING with an expired lease.
func (s *Store) Orphans(ctx context.Context, now, queuedBefore time.Time, limit int) ([]store.Orphan, error) {
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	rows, err := s.rq.Orphans(ctx, sqlitedb.OrphansParams{QueuedBefore: ms(queuedBefore), Now: msp(now), MaxRows: int64(limit)})
	if err != nil {
		return nil, fail("orphans", err)
	}
	out := make([]store.Orphan, len(rows))
	for i, r := range rows {
		out[i] = store.Orphan{ID: r.ID, Status: execution.Status(r.Status), Attempts: int(r.Attempts)}
	}
	return out, nil
}

// ExpireLeases expires every live RUNNING lease at now and returns how many.
func (s *Store) ExpireLeases(ctx context.Context, now time.Time) (int, error) {
	n, err := s.wq.ExpireLeases(ctx, msp(now))
	return int(n), fail("expire leases", err)
}
