-- +goose Up

-- One row per stream: its current (last) revision. Appends lock this row
-- (SELECT ... FOR UPDATE), so writers to one stream queue up while writers to
-- different streams never wait for each other.
CREATE TABLE eventstore_streams (
    stream   text   PRIMARY KEY,
    revision bigint NOT NULL CHECK (revision >= 0)
) WITH (fillfactor = 70);

-- The ledger. The global position of a row is (xid, seq): readers only take
-- rows whose transaction is older than the xmin of their snapshot, so a row
-- can never become visible "behind" a position a reader has already passed.
-- WARNING: rows are append-only; never UPDATE or DELETE them.
CREATE TABLE eventstore_events (
    seq      bigint      GENERATED ALWAYS AS IDENTITY,
    xid      xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream   text        NOT NULL,
    revision bigint      NOT NULL CHECK (revision >= 0),
    event_id uuid        NOT NULL,
    type     text        NOT NULL CHECK (type <> ''),
    -- json (not jsonb): the payload is kept byte for byte as the command
    -- handler wrote it; NULL when the event has no payload.
    data     json,
    metadata jsonb       NOT NULL,
    created  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (xid, seq),
    UNIQUE (stream, revision),
    UNIQUE (stream, event_id)
);

-- +goose Down
DROP TABLE eventstore_events;
DROP TABLE eventstore_streams;
