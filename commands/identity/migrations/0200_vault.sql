-- +goose Up
-- Split from the single set's 0200_identity.sql (same version, own version
-- table): the identity vault's tables.
-- Personal data (BSN, IBAN, date of birth, home address, mobile number) of
-- workers and contacts: never in events. Each subject (a stream name such
-- as 'worker-<id>') has its own random AES-256 data key, stored wrapped
-- (AES-256-GCM) with the master key from BACKOFFICE_MASTER_KEY. Erasure
-- deletes the key (crypto-shredding) and the ciphertext, and leaves a
-- marker so screens can say "erased".
CREATE TABLE data_keys (
    subject_id  text        PRIMARY KEY,
    key_id      uuid        NOT NULL UNIQUE,
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE personal_data (
    subject_id text        PRIMARY KEY,
    key_id     uuid        NOT NULL,
    ciphertext bytea       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE personal_data_erasures (
    subject_id text        PRIMARY KEY,
    erased_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE personal_data_erasures;
DROP TABLE personal_data;
DROP TABLE data_keys;
