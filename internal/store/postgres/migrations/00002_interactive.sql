-- +goose Up
-- An interactive execution keeps stdin open for input sent while it runs.
ALTER TABLE executions ADD COLUMN interactive boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE executions DROP COLUMN interactive;
