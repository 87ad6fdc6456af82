-- +goose Up
-- Integration tokens (payroll feed, auditors). The secret is shown once at
-- creation; only its SHA-256 is stored.
CREATE TABLE api_tokens (
    id           text        PRIMARY KEY,
    role         text        NOT NULL,
    label        text        NOT NULL,
    secret_hash  bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- +goose Down
DROP TABLE api_tokens;
