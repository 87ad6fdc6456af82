-- +goose Up

-- Appends no longer keep a row per stream: they queue on a transaction-scoped
-- advisory lock of the stream and read its current revision from the last
-- entry of UNIQUE (stream, revision), which saves a row update (and its WAL)
-- on every append. A stream exists when it has an event.
-- Stop every instance running the previous version before migrating: it
-- needs this table.
DROP TABLE eventstore_streams;

-- +goose Down
CREATE TABLE eventstore_streams (
    stream   text   PRIMARY KEY,
    revision bigint NOT NULL CHECK (revision >= 0)
) WITH (fillfactor = 70);
INSERT INTO eventstore_streams (stream, revision)
SELECT stream, max(revision) FROM eventstore_events GROUP BY stream;
