-- +goose Up
-- The output a run is judged against (Judge0's expected_output); NULL when it is not judged.
ALTER TABLE executions ADD COLUMN expected_output TEXT;

-- +goose Down
ALTER TABLE executions DROP COLUMN expected_output;
