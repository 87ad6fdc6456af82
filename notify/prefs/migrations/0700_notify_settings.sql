-- +goose Up
-- Split from the single set's 0700_notify.sql (same version, own version
-- table): per-user notification settings.

-- Per-user notification settings; no row means the defaults (everything on).
CREATE TABLE notify_settings (
    account_id    text        PRIMARY KEY,
    approved_mail boolean     NOT NULL DEFAULT true,
    reminders     boolean     NOT NULL DEFAULT true,
    updated_at    timestamptz NOT NULL
);

-- +goose Down
DROP TABLE notify_settings;
