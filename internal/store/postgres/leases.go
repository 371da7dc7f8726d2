// Execution state transitions of the PostgreSQL store: claim, lease, finish, abort, reaping.

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"livecode/internal/execution"
	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

// Claim moves a QUEUED execution, or a RUNNING one whose lease expired, to RUNNING for
// workerID in one conditional UPDATE; concurrent claimers re-check the condition on the row
// they waited for, so exactly one wins. ok is false when nothing matched. Errors: Unavailable.
func (s *Store) Claim(ctx context.Context, id, workerID string, now time.Time, lease time.Duration) (execution.Execution, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.Claim(ctx, pgdb.ClaimParams{WorkerID: workerID, LeaseExpiresAt: tsp(now.Add(lease)),
		Now: tsp(now), ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return execution.Execution{}, false, nil
	}
	if err != nil {
		return execution.Execution{}, false, fail("claim", err)
	}
	e, err := toExecution(r)
	return e, err == nil, err
}

// RenewLease extends the lease of the holder (workerID, attempt); false if it lost it.
// Errors: Unavailable.
func (s *Store) RenewLease(ctx context.Context, id, workerID string, attempt int, now time.Time, lease time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	n, err := s.q.RenewLease(ctx, pgdb.RenewLeaseParams{LeaseExpiresAt: tsp(now.Add(lease)), ID: id,
		WorkerID: workerID, Attempts: int32(attempt)})
	return n == 1, fail("renew lease", err)
}

// ReleaseLease expires the holder's lease at now so the execution can be claimed again.
// Errors: Unavailable.
func (s *Store) ReleaseLease(ctx context.Context, id, workerID string, attempt int, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	_, err := s.q.ReleaseLease(ctx, pgdb.ReleaseLeaseParams{Now: tsp(now), ID: id,
		WorkerID: workerID, Attempts: int32(attempt)})
	return fail("release lease", err)
}

// Finish stores the terminal result if (workerID, attempt) still holds the execution.
// Errors: a non-terminal r.Status; Unavailable.
func (s *Store) Finish(ctx context.Context, id, workerID string, attempt int, r execution.Result, now time.Time) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := store.CheckFinish(r); err != nil {
		return false, err
	}
	n, err := s.q.Finish(ctx, pgdb.FinishParams{Status: string(r.Status), Reason: string(r.Reason),
		Stdout: []byte(r.Stdout), Stderr: []byte(r.Stderr), Output: []byte(r.Output), ExitCode: exitCode(r.ExitCode),
		Signal: r.Signal, ExecutionTimeMs: r.ExecutionTimeMS, CpuTimeMs: r.CPUTimeMS, MemoryKb: r.MemoryKB,
		CompileOutput: []byte(r.CompileOutput), CompileTimeMs: r.CompileTimeMS, TestResults: store.EncodeList(r.Tests), FinishedAt: tsp(now),
		ID: id, WorkerID: workerID, Attempts: int32(attempt)})
	return n == 1, fail("finish", err)
}

// Abort ends a QUEUED or RUNNING execution with a terminal status; false if it was already
// terminal or is unknown. Errors: a non-terminal status; Unavailable.
func (s *Store) Abort(ctx context.Context, id string, status execution.Status, reason execution.Reason, now time.Time) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := store.CheckAbort(status); err != nil {
		return false, err
	}
	n, err := s.q.Abort(ctx, pgdb.AbortParams{Status: string(status), Reason: string(reason),
		FinishedAt: tsp(now), ID: id})
	return n == 1, fail("abort", err)
}

// Orphans lists executions QUEUED since before queuedBefore or RUNNING with an expired lease.
// Errors: Unavailable.
func (s *Store) Orphans(ctx context.Context, now, queuedBefore time.Time, limit int) ([]store.Orphan, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	rows, err := s.q.Orphans(ctx, pgdb.OrphansParams{QueuedBefore: ts(queuedBefore), Now: tsp(now), MaxRows: int32(limit)})
	if err != nil {
		return nil, fail("orphans", err)
	}
	out := make([]store.Orphan, len(rows))
	for i, r := range rows {
		out[i] = store.Orphan{ID: r.ID, Status: execution.Status(r.Status), Attempts: int(r.Attempts)}
	}
	return out, nil
}

// ExpireLeases expires every live RUNNING lease at now and returns how many. Errors: Unavailable.
func (s *Store) ExpireLeases(ctx context.Context, now time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	n, err := s.q.ExpireLeases(ctx, tsp(now))
	return int(n), fail("expire leases", err)
}
