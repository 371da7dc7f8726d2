-- Webhook deliveries: one per execution that asked for a callback, stored with it at admission
-- and deleted with it (retention, DELETE). A pending delivery of a terminal execution is due
-- at next_attempt_at; claimed_until holds it for the process attempting it.

-- +goose Up
CREATE TABLE webhook_deliveries (
    execution_id    text        PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
    url             text        NOT NULL,
    format          text        NOT NULL,
    owner           text        NOT NULL DEFAULT '',
    state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_status     integer,
    last_error      text        NOT NULL DEFAULT '',
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz NOT NULL DEFAULT 'epoch',
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL
);

-- The sweeper looks only at pending deliveries, by when they are due.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

-- +goose Down
DROP TABLE webhook_deliveries;
