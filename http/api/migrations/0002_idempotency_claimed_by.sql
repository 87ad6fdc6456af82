-- +goose Up
-- The process that claimed an unanswered key (http/api liveness locks): a
-- retry takes the claim over at once when that process is gone.
ALTER TABLE idempotency_keys ADD COLUMN claimed_by int;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN claimed_by;
