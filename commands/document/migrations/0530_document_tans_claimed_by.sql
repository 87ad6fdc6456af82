-- +goose Up

-- Who holds a claimed TAN: a digest of the submission's actor, idempotency
-- key and request (commands/document tanClaimant), or NULL without a key.
-- The retry of a submission that claimed the TAN and died before its
-- answer was appended (kill -9) takes its own claim over instead of being
-- told that another window answered.
ALTER TABLE document_tans ADD COLUMN claimed_by text;

-- +goose Down
ALTER TABLE document_tans DROP COLUMN claimed_by;
