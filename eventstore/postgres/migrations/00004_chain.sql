-- +goose Up

-- The hash chain (eventstore/chain.go): every event carries its stream's
-- previous hash and its own. Nullable here only until the back-fill
-- (migration 5, in Go: backfill.go) has chained the events stored before;
-- migration 6 makes them NOT NULL.
-- Stop every instance running the previous version before migrating: its
-- appends would store events without hashes.
ALTER TABLE eventstore_events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

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
DROP TABLE eventstore_chain;
ALTER TABLE eventstore_events DROP COLUMN prev_hash, DROP COLUMN hash;
