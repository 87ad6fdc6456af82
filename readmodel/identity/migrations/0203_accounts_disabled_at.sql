-- +goose Up
-- When a login was blocked (account.disabled), for the account lists of
-- the back office and the auditor. Filled by the projector
-- identity.accounts from the event's time; a login blocked before this
-- migration shows no date until that projector is rebuilt.
ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;

-- +goose Down
ALTER TABLE accounts DROP COLUMN disabled_at;
