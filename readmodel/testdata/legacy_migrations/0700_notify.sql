-- +goose Up
-- notify/: the side effects of the timesheet workflow.

-- Events the timesheet mailer has handled (mailed or deliberately skipped):
-- a replay or rebuild of the projector finds the row and mails nothing.
CREATE TABLE notify_event_mails (
    event_id   uuid        PRIMARY KEY,
    event_type text        NOT NULL,
    recipients int         NOT NULL,
    skipped    text        NOT NULL DEFAULT '',
    handled_at timestamptz NOT NULL
);

-- Per-user notification settings; no row means the defaults (everything on).
CREATE TABLE notify_settings (
    account_id    text        PRIMARY KEY,
    approved_mail boolean     NOT NULL DEFAULT true,
    reminders     boolean     NOT NULL DEFAULT true,
    updated_at    timestamptz NOT NULL
);

-- One row per reminder sent (or deliberately not sent): the unique key is
-- what keeps a reminder from going out twice with two runtimes or after a
-- crash mid-run. week is the ISO week the reminder is sent in.
CREATE TABLE notify_reminders (
    kind        text        NOT NULL,
    week        text        NOT NULL,
    account_id  text        NOT NULL,
    delivery_id uuid,
    items       int         NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (kind, week, account_id)
);

-- +goose Down
DROP TABLE notify_reminders;
DROP TABLE notify_settings;
DROP TABLE notify_event_mails;
