-- +goose Up
-- Split from the single set's 0700_notify.sql (same version, own version
-- table): the timesheet mailer's handled events.

-- Events the timesheet mailer has handled (mailed or deliberately skipped):
-- a replay or rebuild of the projector finds the row and mails nothing.
CREATE TABLE notify_event_mails (
    event_id   uuid        PRIMARY KEY,
    event_type text        NOT NULL,
    recipients int         NOT NULL,
    skipped    text        NOT NULL DEFAULT '',
    handled_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE notify_event_mails;
