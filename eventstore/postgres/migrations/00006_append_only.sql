-- +goose Up

ALTER TABLE eventstore_events
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT eventstore_events_hash_size CHECK (octet_length(prev_hash) = 32 AND octet_length(hash) = 32);

-- The fence: the ledger refuses UPDATE, DELETE and TRUNCATE for every role,
-- its owner included. A superuser can still disable the trigger (ALTER TABLE
-- ... DISABLE TRIGGER); the hash chain is what proves nothing changed. Run
-- the application as a role with only INSERT and SELECT (docs/audit.md).
-- +goose StatementBegin
CREATE FUNCTION eventstore_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'eventstore_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER eventstore_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON eventstore_events
    FOR EACH STATEMENT EXECUTE FUNCTION eventstore_refuse_change();

-- +goose Down
DROP TRIGGER eventstore_append_only ON eventstore_events;
DROP FUNCTION eventstore_refuse_change();
ALTER TABLE eventstore_events
    DROP CONSTRAINT eventstore_events_hash_size,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL;
