-- +goose Up
-- GET /code-sessions lists one owner's sessions newest first.
CREATE INDEX sessions_owner ON sessions (owner, created_at DESC, id DESC);

-- +goose Down
DROP INDEX sessions_owner;
