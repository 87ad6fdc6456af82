-- +goose Up

-- The hash chain (eventstore/chain.go): every event carries its stream's
-- previous hash and its own. Nullable here only until the back-fill
-- (migration 5, in Go: backfill.go) has chained the events stored before;
-- migration 6 makes them NOT NULL.
-- Stop every instance running the previous version before migrating: its
-- appends would store events without hashes.
ALTER TABLE eventstore_events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- eventstore_chain_links hashes the events of one append: event i (1-based)
-- gets sha256(hash of event i-1 ‖ head ‖ int8send(cur + i) ‖ tails[i]), the
-- first one linking onto prev. Go encodes head and tails
-- (eventstore.CanonicalParts); this only links, where the revision and the
-- previous hash are decided (the append statement, under the stream lock).
-- A loop here is much cheaper than a recursive query.
-- +goose StatementBegin
CREATE FUNCTION eventstore_chain_links(prev bytea, head bytea, cur bigint, tails bytea[])
RETURNS bytea[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    links bytea[] := '{}';
    h bytea := prev;
BEGIN
    FOR i IN 1 .. coalesce(array_length(tails, 1), 0) LOOP
        h := sha256(h || head || int8send(cur + i) || tails[i]);
        links := links || h;
    END LOOP;
    RETURN links;
END
$$;
-- +goose StatementEnd

-- When the chain started: one row, written by the back-fill. Events stored
-- before started_at were hashed by the back-fill from what the table held
-- then (backfilled_events of them, up to position backfilled_until); the
-- chain proves nothing about changes made to them before that moment.
CREATE TABLE eventstore_chain (
    one                 boolean     PRIMARY KEY DEFAULT true CHECK (one),
    version             int         NOT NULL,
    started_at          timestamptz NOT NULL DEFAULT now(),
    backfilled_events   bigint      NOT NULL,
    backfilled_until    text
);

-- +goose Down
DROP FUNCTION eventstore_chain_links(bytea, bytea, bigint, bytea[]);
DROP TABLE eventstore_chain;
ALTER TABLE eventstore_events DROP COLUMN prev_hash, DROP COLUMN hash;
