-- +goose Up
-- The sign mailer's ledger records: document.tan_issued is appended to the
-- event store after the transaction that issued the TAN (the projector's, or
-- the SMS queue's outcome) has committed, never inside it. An append inside
-- it would hold that transaction, with its transaction ID, open while the
-- append waits for the document stream's lock, and the PostgreSQL event store
-- shows readers no event committed after the oldest such transaction began:
-- every projector would wait for it. So the transaction only queues this
-- row, keyed by the document.signature_requested event (a replay queues
-- nothing twice, a rollback queues nothing), and the notify/queue engine
-- appends it after the commit (notify/reactors, tanrecord.go).
--
-- mail is the mail that goes once the issue is recorded (the request mail
-- with the TAN, or the TAN's fallback mail when its SMS failed), so the
-- ledger holds the issue before the signer can read the code; it holds the
-- TAN and the signing link and is emptied once the record is final.
CREATE TABLE sign_tan_records (
    event_id        uuid        PRIMARY KEY,
    kind            text        NOT NULL DEFAULT 'tan_issued',
    document_id     text        NOT NULL,
    request_id      text        NOT NULL,
    channel         text        NOT NULL,
    masked_address  text        NOT NULL,
    mail_id         uuid,
    mail            jsonb,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL
);
CREATE INDEX sign_tan_records_due ON sign_tan_records (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE sign_tan_records;
