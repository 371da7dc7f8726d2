-- +goose Up
-- A session's version grows by one with every change (autosave, a run that saves code, close),
-- so an autosave can name the version it edits (If-Match) and be refused when another tab
-- saved first, in the same single UPDATE.
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE sessions DROP COLUMN version;
