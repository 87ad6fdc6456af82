-- +goose Up
-- Server-side login sessions: only a SHA-256 of the session ID is stored.
-- expires_at is the absolute limit; the idle limit counts from last_seen_at.
CREATE TABLE sessions (
    id_hash      bytea       PRIMARY KEY,
    account_id   text        NOT NULL REFERENCES credentials (account_id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    user_agent   text        NOT NULL DEFAULT '',
    ip           text        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Login attempt counters per fixed window, shared by every server instance.
-- key is 'acct:<email>' or 'ip:<address>'.
CREATE TABLE login_failures (
    key          text        PRIMARY KEY,
    window_start timestamptz NOT NULL,
    count        int         NOT NULL
);
CREATE INDEX login_failures_window ON login_failures (window_start);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE sessions;
