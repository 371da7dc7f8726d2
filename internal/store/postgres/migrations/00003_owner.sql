-- +goose Up
-- A session belongs to the API key that created it ('' when authentication is off); its
-- executions carry the owner too, so the per-key quotas are one indexed count.
ALTER TABLE sessions ADD COLUMN owner text NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN owner text NOT NULL DEFAULT '';
CREATE INDEX executions_owner ON executions (owner, queued_at) WHERE owner <> '';
CREATE INDEX executions_owner_live ON executions (owner) WHERE owner <> '' AND status IN ('QUEUED', 'RUNNING');

-- +goose Down
DROP INDEX executions_owner_live;
DROP INDEX executions_owner;
ALTER TABLE executions DROP COLUMN owner;
ALTER TABLE sessions DROP COLUMN owner;
