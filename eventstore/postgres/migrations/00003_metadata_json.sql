-- +goose Up
-- Metadata is only ever read whole by the application, never queried inside
-- the database: keep the text as written (json) instead of parsing it into
-- jsonb on every append.
ALTER TABLE eventstore_events ALTER COLUMN metadata TYPE json USING metadata::json;

-- +goose Down
ALTER TABLE eventstore_events ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb;
