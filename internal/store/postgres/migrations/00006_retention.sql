-- +goose Up
-- Retention purges finished executions by age, idempotency keys by age and closed sessions by
-- the time they were closed, each in small batches found through these indexes. Deleting an
-- execution cascades to its idempotency keys, found by execution_id.
CREATE INDEX executions_finished ON executions (finished_at) WHERE status NOT IN ('QUEUED', 'RUNNING');
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX idempotency_keys_execution ON idempotency_keys (execution_id);
CREATE INDEX sessions_closed ON sessions (updated_at) WHERE status = 'CLOSED';

-- +goose Down
DROP INDEX sessions_closed;
DROP INDEX idempotency_keys_execution;
DROP INDEX idempotency_keys_created;
DROP INDEX executions_finished;
