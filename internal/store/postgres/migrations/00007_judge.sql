-- +goose Up
-- A judged run's test cases and comparison options (JSON, bytes as base64; NULL when it is not
-- judged), the encoding its answers use for output, and the results of its tests (JSON).
ALTER TABLE executions ADD COLUMN judge TEXT;
ALTER TABLE executions ADD COLUMN encoding TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN test_results TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE executions DROP COLUMN test_results;
ALTER TABLE executions DROP COLUMN encoding;
ALTER TABLE executions DROP COLUMN judge;
