-- +goose Up
-- An interactive execution keeps stdin open for input sent while it runs.
ALTER TABLE executions ADD COLUMN interactive INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE executions DROP COLUMN interactive;
