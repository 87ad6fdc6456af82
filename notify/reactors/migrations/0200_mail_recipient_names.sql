-- +goose Up
-- Split from the single set's 0200_identity.sql (same version, own version
-- table): the activation mailer's names.
-- The activation-mail projector's own memory of contact and worker names
-- by e-mail address, so the mail can greet by name without reading other
-- projectors' tables (which may lag).
CREATE TABLE mail_recipient_names (
    email text PRIMARY KEY,
    name  text NOT NULL
);

-- +goose Down
DROP TABLE mail_recipient_names;
