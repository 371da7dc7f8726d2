-- Sessions, executions and idempotency keys. Program text and output are bytea: a program may
-- write NUL bytes or invalid UTF-8, which text columns refuse.

-- +goose Up
CREATE TABLE sessions (
    id          text        PRIMARY KEY,
    status      text        NOT NULL CHECK (status IN ('ACTIVE', 'CLOSED')),
    language    text        NOT NULL,
    source_code bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE executions (
    id                 text        PRIMARY KEY,
    session_id         text        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    language           text        NOT NULL,
    code               bytea       NOT NULL,
    files              text        NOT NULL,
    stdin              bytea       NOT NULL,
    args               text        NOT NULL,
    time_limit_ms      integer     NOT NULL,
    memory_limit_mb    integer     NOT NULL,
    max_processes      integer     NOT NULL,
    output_limit_bytes integer     NOT NULL,
    status             text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED')),
    attempts           integer     NOT NULL DEFAULT 0,
    worker_id          text        NOT NULL DEFAULT '',
    lease_expires_at   timestamptz,
    queued_at          timestamptz NOT NULL,
    started_at         timestamptz,
    finished_at        timestamptz,
    reason             text        NOT NULL DEFAULT '',
    stdout             bytea       NOT NULL DEFAULT '',
    stderr             bytea       NOT NULL DEFAULT '',
    output             bytea       NOT NULL DEFAULT '',
    exit_code          integer,
    signal             text        NOT NULL DEFAULT '',
    execution_time_ms  bigint,
    cpu_time_ms        bigint,
    memory_kb          bigint,
    compile_output     bytea       NOT NULL DEFAULT '',
    compile_time_ms    bigint
);

-- Newest-first listing per session, the rate-limit window and the latest execution.
CREATE INDEX executions_session ON executions (session_id, queued_at DESC, id DESC);
-- The reaper and the active-execution check only look at live executions.
CREATE INDEX executions_live ON executions (status, queued_at) WHERE status IN ('QUEUED', 'RUNNING');

CREATE TABLE idempotency_keys (
    key          text        PRIMARY KEY,
    request_hash text        NOT NULL,
    execution_id text        NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE executions;
DROP TABLE sessions;
