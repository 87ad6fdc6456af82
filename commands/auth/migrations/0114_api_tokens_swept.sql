-- +goose Up
-- A pending token (stored, never made live: revoked_at = created_at) that
-- the sweep of commands/identity ended, because no retry of its creation
-- finished it within the bound (docs/identity.md, "Who is asking"):
-- swept_at is when. A swept token is no longer pending: no retry finishes
-- or remakes it. sweep_recorded: the ledger has what the sweep owed it
-- (token.revoked with cause never_activated, or nothing when the creation
-- never recorded token.created); until then a later sweep finishes it.
ALTER TABLE api_tokens
    ADD COLUMN swept_at       timestamptz,
    ADD COLUMN sweep_recorded boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN sweep_recorded, DROP COLUMN swept_at;
