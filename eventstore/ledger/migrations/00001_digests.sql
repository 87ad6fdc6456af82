-- +goose Up

-- Global digests: the running digest of every event hash in $all order
-- (ledger.Fold), recorded by the one digest job every N events or minutes.
-- A row says: the events of $all up to and including position (commit,
-- prepare), events of them, fold to digest.
CREATE TABLE ledger_digests (
    commit_pos  bigint      NOT NULL,
    prepare_pos bigint      NOT NULL,
    events      bigint      NOT NULL CHECK (events > 0),
    digest      bytea       NOT NULL CHECK (octet_length(digest) = 32),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (commit_pos, prepare_pos)
);

-- Every stream's last event as of the newest digest: verify names a stream
-- whose tail was cut off, or an event slipped in before a digest position.
CREATE TABLE ledger_heads (
    stream   text   PRIMARY KEY,
    revision bigint NOT NULL,
    hash     bytea  NOT NULL CHECK (octet_length(hash) = 32)
);

-- +goose Down
DROP TABLE ledger_heads;
DROP TABLE ledger_digests;
