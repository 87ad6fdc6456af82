-- +goose Up
-- One row per worker with a BSN: a keyed hash of the BSN (HMAC-SHA-256 with
-- a key derived from the master key, never the BSN itself), unique, so the
-- same BSN cannot be registered for two workers. Erasure deletes the row
-- with the data key. Rows for workers registered before this table are
-- filled at start-up from the decryptable personal data
-- (identity.Vault.BackfillBSNIndex).
CREATE TABLE personal_data_bsn (
    bsn_hmac   bytea       PRIMARY KEY,
    subject_id text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE personal_data_bsn;
