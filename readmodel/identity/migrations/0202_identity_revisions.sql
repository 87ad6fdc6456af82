-- +goose Up
-- The revision guard of the identity projectors: each row remembers the
-- last revision of its entity's stream it applied, and an event at or below
-- it changes nothing (a redelivered or replayed older event cannot undo a
-- newer one). Rows projected before the guard start at -1: the next event
-- applies.
ALTER TABLE intermediaries ADD COLUMN revision bigint NOT NULL DEFAULT -1;
ALTER TABLE clients ADD COLUMN revision bigint NOT NULL DEFAULT -1;
ALTER TABLE workers ADD COLUMN revision bigint NOT NULL DEFAULT -1;
ALTER TABLE placements ADD COLUMN revision bigint NOT NULL DEFAULT -1;
ALTER TABLE accounts ADD COLUMN revision bigint NOT NULL DEFAULT -1;

-- +goose Down
ALTER TABLE accounts DROP COLUMN revision;
ALTER TABLE placements DROP COLUMN revision;
ALTER TABLE workers DROP COLUMN revision;
ALTER TABLE clients DROP COLUMN revision;
ALTER TABLE intermediaries DROP COLUMN revision;
