-- +goose Up
-- Split from the single set's 0500_documents.sql (same version, own version
-- table): the sign mailer's memory of declines.

-- The declines "documents.sign_mail" has mailed to the back office, by event
-- ID: a rebuild must not mail a back-office account created since.
CREATE TABLE document_decline_mails (
    event_id  uuid        PRIMARY KEY,
    mailed_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE document_decline_mails;
