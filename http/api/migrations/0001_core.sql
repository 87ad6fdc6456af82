-- +goose Up
-- Idempotency keys of API commands: a retry with the same key returns the
-- first answer. Kept per actor so keys of different users never collide.
CREATE TABLE idempotency_keys (
    actor_id     text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       int,
    response     bytea,
    position     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
