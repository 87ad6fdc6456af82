-- +goose Up
-- Login credentials of portal accounts. The command layer upserts a row when
-- an account is created or changed; the password is set by the account
-- holder through a single-use activation link (never mailed). tenant_id is
-- the intermediary, client or worker ID that matches role ('' otherwise).
CREATE TABLE credentials (
    account_id    text        PRIMARY KEY,
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash text,
    role          text        NOT NULL,
    tenant_id     text        NOT NULL DEFAULT '',
    language      text        NOT NULL DEFAULT 'nl',
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Single-use activation and password-reset tokens: only a SHA-256 of the
-- token is stored.
CREATE TABLE auth_tokens (
    token_hash bytea       PRIMARY KEY,
    account_id text        NOT NULL REFERENCES credentials (account_id) ON DELETE CASCADE,
    purpose    text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX auth_tokens_account ON auth_tokens (account_id, purpose);
CREATE INDEX auth_tokens_expires ON auth_tokens (expires_at);

-- +goose Down
DROP TABLE auth_tokens;
DROP TABLE credentials;
