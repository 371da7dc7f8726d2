-- name: CreateSession :exec
INSERT INTO sessions (id, status, language, source_code, created_at, updated_at, owner)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: GetSession :one
SELECT * FROM sessions WHERE id = $1;

-- name: LockSession :one
SELECT status, owner FROM sessions WHERE id = $1 FOR UPDATE;

-- name: LockOwner :exec
-- Serializes the admissions of one owner's runs, across all its sessions, until commit.
SELECT pg_advisory_xact_lock(hashtext(sqlc.arg(owner)::text));

-- name: UpdateSession :one
UPDATE sessions
SET language    = coalesce(sqlc.narg(language), language),
    source_code = coalesce(sqlc.narg(source_code), source_code),
    updated_at  = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND status = 'ACTIVE' AND (sqlc.narg(owner)::text IS NULL OR owner = sqlc.narg(owner))
RETURNING *;

-- name: CloseSession :one
UPDATE sessions SET status = 'CLOSED', updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND status = 'ACTIVE'
RETURNING *;

-- name: InsertExecution :exec
INSERT INTO executions (id, session_id, language, code, files, stdin, args, time_limit_ms,
    memory_limit_mb, max_processes, output_limit_bytes, interactive, owner, status, queued_at, expected_output, judge, encoding)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, $14, 'QUEUED', $12, $15, $16, $17);

-- name: GetExecution :one
SELECT * FROM executions WHERE id = $1;

-- name: ListExecutions :many
SELECT * FROM executions
WHERE session_id = sqlc.arg(session_id)
ORDER BY queued_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: ListExecutionsBefore :many
SELECT * FROM executions
WHERE session_id = sqlc.arg(session_id)
  AND (queued_at < sqlc.arg(queued_at) OR (queued_at = sqlc.arg(queued_at) AND id < sqlc.arg(id)))
ORDER BY queued_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: LatestExecution :one
SELECT * FROM executions WHERE session_id = $1 ORDER BY queued_at DESC, id DESC LIMIT 1;

-- name: ActiveExecutions :many
SELECT id FROM executions
WHERE session_id = sqlc.arg(session_id) AND status IN ('QUEUED', 'RUNNING')
ORDER BY queued_at, id
LIMIT sqlc.arg(max_rows);

-- name: RecentRuns :one
SELECT count(*) AS runs, coalesce(min(queued_at), to_timestamp(0))::timestamptz AS oldest
FROM executions
WHERE session_id = sqlc.arg(session_id) AND queued_at > sqlc.arg(since);

-- name: OwnerActiveExecutions :one
SELECT count(*) FROM executions
WHERE owner = sqlc.arg(owner) AND owner <> '' AND status IN ('QUEUED', 'RUNNING');

-- name: OwnerRecentRuns :one
SELECT count(*) AS runs, coalesce(min(queued_at), to_timestamp(0))::timestamptz AS oldest
FROM executions
WHERE owner = sqlc.arg(owner) AND owner <> '' AND queued_at > sqlc.arg(since);

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys WHERE key = $1;

-- name: DeleteIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE key = $1;

-- name: InsertIdempotencyKey :exec
INSERT INTO idempotency_keys (key, request_hash, execution_id, created_at) VALUES ($1, $2, $3, $4);

-- name: Claim :one
UPDATE executions
SET status           = 'RUNNING',
    attempts         = attempts + 1,
    worker_id        = sqlc.arg(worker_id),
    lease_expires_at = sqlc.arg(lease_expires_at),
    started_at       = coalesce(started_at, sqlc.arg(now))
WHERE id = sqlc.arg(id)
  AND (status = 'QUEUED' OR (status = 'RUNNING' AND lease_expires_at <= sqlc.arg(now)))
RETURNING *;

-- name: RenewLease :execrows
UPDATE executions SET lease_expires_at = sqlc.arg(lease_expires_at)
WHERE id = sqlc.arg(id) AND status = 'RUNNING'
  AND worker_id = sqlc.arg(worker_id) AND attempts = sqlc.arg(attempts);

-- name: ReleaseLease :execrows
UPDATE executions SET lease_expires_at = sqlc.arg(now)
WHERE id = sqlc.arg(id) AND status = 'RUNNING'
  AND worker_id = sqlc.arg(worker_id) AND attempts = sqlc.arg(attempts);

-- name: Finish :execrows
UPDATE executions
SET status            = sqlc.arg(status),
    reason            = sqlc.arg(reason),
    stdout            = sqlc.arg(stdout),
    stderr            = sqlc.arg(stderr),
    output            = sqlc.arg(output),
    exit_code         = sqlc.narg(exit_code),
    signal            = sqlc.arg(signal),
    execution_time_ms = sqlc.narg(execution_time_ms),
    cpu_time_ms       = sqlc.narg(cpu_time_ms),
    memory_kb         = sqlc.narg(memory_kb),
    compile_output    = sqlc.arg(compile_output),
    compile_time_ms   = sqlc.narg(compile_time_ms),
    test_results      = sqlc.arg(test_results),
    finished_at       = sqlc.arg(finished_at),
    lease_expires_at  = NULL
WHERE id = sqlc.arg(id) AND status = 'RUNNING'
  AND worker_id = sqlc.arg(worker_id) AND attempts = sqlc.arg(attempts);

-- name: Abort :execrows
UPDATE executions
SET status = sqlc.arg(status), reason = sqlc.arg(reason),
    finished_at = sqlc.arg(finished_at), lease_expires_at = NULL
WHERE id = sqlc.arg(id) AND status IN ('QUEUED', 'RUNNING');

-- name: Orphans :many
SELECT id, status, attempts FROM executions
WHERE status IN ('QUEUED', 'RUNNING')
  AND ((status = 'QUEUED' AND queued_at < sqlc.arg(queued_before))
    OR (status = 'RUNNING' AND lease_expires_at <= sqlc.arg(now)))
ORDER BY queued_at, id
LIMIT sqlc.arg(max_rows);

-- name: ExpireLeases :execrows
UPDATE executions SET lease_expires_at = sqlc.arg(now)
WHERE status = 'RUNNING' AND (lease_expires_at IS NULL OR lease_expires_at > sqlc.arg(now));

-- name: ListSessions :many
SELECT * FROM sessions
WHERE owner = sqlc.arg(owner)
  AND (sqlc.arg(status)::text = '' OR status = sqlc.arg(status)::text)
  AND (sqlc.arg(language)::text = '' OR language = sqlc.arg(language)::text)
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: ListSessionsBefore :many
SELECT * FROM sessions
WHERE owner = sqlc.arg(owner)
  AND (sqlc.arg(status)::text = '' OR status = sqlc.arg(status)::text)
  AND (sqlc.arg(language)::text = '' OR language = sqlc.arg(language)::text)
  AND (created_at < sqlc.arg(created_at) OR (created_at = sqlc.arg(created_at) AND id < sqlc.arg(id)))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: PurgeExecutions :execrows
DELETE FROM executions WHERE id IN (
    SELECT x.id FROM executions x
    WHERE x.status NOT IN ('QUEUED', 'RUNNING') AND x.finished_at < sqlc.arg(finished_before)
    ORDER BY x.finished_at
    LIMIT sqlc.arg(max_rows));

-- name: PurgeIdempotencyKeys :execrows
DELETE FROM idempotency_keys WHERE key IN (
    SELECT k.key FROM idempotency_keys k WHERE k.created_at < sqlc.arg(created_before)
    ORDER BY k.created_at
    LIMIT sqlc.arg(max_rows));

-- name: PurgeClosedSessionExecutions :execrows
DELETE FROM executions WHERE id IN (
    SELECT e.id FROM sessions s JOIN executions e ON e.session_id = s.id
    WHERE s.status = 'CLOSED' AND s.updated_at < sqlc.arg(closed_before)
      AND e.status NOT IN ('QUEUED', 'RUNNING')
    LIMIT sqlc.arg(max_rows));

-- name: PurgeClosedSessions :execrows
DELETE FROM sessions WHERE id IN (
    SELECT s.id FROM sessions s
    WHERE s.status = 'CLOSED' AND s.updated_at < sqlc.arg(closed_before)
      AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.session_id = s.id)
    LIMIT sqlc.arg(max_rows));

-- name: DeleteExecution :execrows
DELETE FROM executions WHERE id = $1 AND status NOT IN ('QUEUED', 'RUNNING');

-- name: DeleteSessionExecutions :execrows
DELETE FROM executions WHERE id IN (
    SELECT x.id FROM executions x
    WHERE x.session_id = sqlc.arg(session_id) AND x.status NOT IN ('QUEUED', 'RUNNING')
    LIMIT sqlc.arg(max_rows));

-- name: DeleteEmptySession :execrows
DELETE FROM sessions s
WHERE s.id = $1 AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.session_id = s.id);

-- name: InsertDelivery :exec
INSERT INTO webhook_deliveries (execution_id, url, format, owner, state, next_attempt_at, created_at)
VALUES ($1, $2, $3, $4, 'pending', $5, $6);

-- name: GetDelivery :one
SELECT * FROM webhook_deliveries WHERE execution_id = $1;

-- name: ClaimDeliveries :many
-- SKIP LOCKED: processes sweeping at once take different deliveries instead of waiting.
UPDATE webhook_deliveries
SET attempts = attempts + 1, claimed_until = sqlc.arg(claimed_until), last_attempt_at = sqlc.arg(now)
WHERE execution_id IN (
    SELECT d.execution_id FROM webhook_deliveries d JOIN executions e ON e.id = d.execution_id
    WHERE d.state = 'pending' AND d.next_attempt_at <= sqlc.arg(now) AND d.claimed_until <= sqlc.arg(now)
      AND e.status NOT IN ('QUEUED', 'RUNNING')
      AND (sqlc.narg(execution_id)::text IS NULL OR d.execution_id = sqlc.narg(execution_id))
    ORDER BY d.next_attempt_at
    LIMIT sqlc.arg(max_rows)
    FOR UPDATE OF d SKIP LOCKED)
RETURNING *;

-- name: RecordDelivery :execrows
UPDATE webhook_deliveries
SET state = sqlc.arg(state), last_status = sqlc.narg(last_status), last_error = sqlc.arg(last_error),
    next_attempt_at = sqlc.arg(next_attempt_at), delivered_at = sqlc.narg(delivered_at), claimed_until = 'epoch'
WHERE execution_id = sqlc.arg(execution_id) AND attempts = sqlc.arg(attempts) AND state = 'pending';
