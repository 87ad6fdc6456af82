-- +goose Up
-- SMS deliveries: the side-effect projectors' queue, as mail_deliveries is
-- for mail. A projector inserts a row in its own transaction, keyed by the
-- event that caused the message, so a replayed event never texts twice and a
-- rolled-back one never texts at all; the dispatcher sends due rows after
-- that commit and retries failures with back-off.
--
-- recipient (E.164), body (it may hold a TAN) and ref (the projector's
-- context for the outcome, which may hold the TAN too) are kept only while
-- the message is pending: they are emptied once it is sent or given up, as
-- mail_deliveries drops its bodies once sent. masked_recipient stays for
-- the back office ("+31 6 ••• ••78").
CREATE TABLE sms_deliveries (
    event_id         uuid        PRIMARY KEY,
    kind             text        NOT NULL DEFAULT '',
    recipient        text        NOT NULL DEFAULT '',
    masked_recipient text        NOT NULL DEFAULT '',
    body             text        NOT NULL DEFAULT '',
    ref              jsonb,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         int         NOT NULL DEFAULT 0,
    last_error       text,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz,
    created_at       timestamptz NOT NULL
);
CREATE INDEX sms_deliveries_due ON sms_deliveries (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE sms_deliveries;
