-- +goose Up
-- Split from the single set's 0700_notify.sql (same version, own version
-- table): the reminders sent.

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
