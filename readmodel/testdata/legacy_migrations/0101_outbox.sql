-- +goose Up
-- Mail deliveries: the side-effect projector's queue. A projector inserts a
-- row in its own transaction, keyed by the event that caused the mail, so a
-- replayed event never mails twice; the dispatcher sends due rows and retries
-- failures with back-off. payload is the rendered message (mail.Message as
-- JSON); its bodies are removed once sent, as they may hold single-use links.
CREATE TABLE mail_deliveries (
    event_id        uuid        PRIMARY KEY,
    recipient       text        NOT NULL,
    kind            text        NOT NULL DEFAULT '',
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL,
    payload         jsonb       NOT NULL
);
CREATE INDEX mail_deliveries_due ON mail_deliveries (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE mail_deliveries;
