-- Sessions, executions and idempotency keys; times are unix milliseconds (UTC).

-- +goose Up
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY,
    status      TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'CLOSED')),
    language    TEXT    NOT NULL,
    source_code TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE executions (
    id                 TEXT    PRIMARY KEY,
    session_id         TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    language           TEXT    NOT NULL,
    code               TEXT    NOT NULL,
    files              TEXT    NOT NULL,
    stdin              TEXT    NOT NULL,
    args               TEXT    NOT NULL,
    time_limit_ms      INTEGER NOT NULL,
    memory_limit_mb    INTEGER NOT NULL,
    max_processes      INTEGER NOT NULL,
    output_limit_bytes INTEGER NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    worker_id          TEXT    NOT NULL DEFAULT '',
    lease_expires_at   INTEGER,
    queued_at          INTEGER NOT NULL,
    started_at         INTEGER,
    finished_at        INTEGER,
    reason             TEXT    NOT NULL DEFAULT '',
    stdout             TEXT    NOT NULL DEFAULT '',
    stderr             TEXT    NOT NULL DEFAULT '',
    output             TEXT    NOT NULL DEFAULT '',
    exit_code          INTEGER,
    signal             TEXT    NOT NULL DEFAULT '',
    execution_time_ms  INTEGER,
    cpu_time_ms        INTEGER,
    memory_kb          INTEGER,
    compile_output     TEXT    NOT NULL DEFAULT '',
    compile_time_ms    INTEGER
);

-- Newest-first listing per session, the rate-limit window and the latest execution.
CREATE INDEX executions_session ON executions (session_id, queued_at DESC, id DESC);
-- The reaper and the active-execution check only look at live executions.
CREATE INDEX executions_live ON executions (status, queued_at) WHERE status IN ('QUEUED', 'RUNNING');

CREATE TABLE idempotency_keys (
    key          TEXT    PRIMARY KEY,
    request_hash TEXT    NOT NULL,
    execution_id TEXT    NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE executions;
DROP TABLE sessions;
