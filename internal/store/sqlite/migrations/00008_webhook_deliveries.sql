-- Webhook deliveries: one per execution that asked for a callback, stored with it at admission
-- and deleted with it (retention, DELETE). A pending delivery of a terminal execution is due
-- at next_attempt_at; claimed_until holds it for the process attempting it. Times are unix ms.

-- +goose Up
CREATE TABLE webhook_deliveries (
    execution_id    TEXT    PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
    url             TEXT    NOT NULL,
    format          TEXT    NOT NULL,
    owner           TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL
);

-- The sweeper looks only at pending deliveries, by when they are due.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

-- +goose Down
DROP TABLE webhook_deliveries;
