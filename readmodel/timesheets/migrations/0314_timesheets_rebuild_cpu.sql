-- +goose Up

-- The hours report's totals as text: the projector writes the JSON itself
-- (encodeHourTotals) and the report reads it back as text and decodes it
-- in Go; no statement looks inside it. As jsonb the server parsed every
-- row's totals on every write: a fifth of the server's work of receiving
-- a rebuild's COPY rows (docs/BENCHMARKS.md §5, rebuild7). The stored
-- rows keep their content (jsonb's text of the same JSON).
ALTER TABLE ts_timesheets
    ALTER COLUMN hour_totals DROP DEFAULT,
    ALTER COLUMN hour_totals TYPE text USING hour_totals::text,
    ALTER COLUMN hour_totals SET DEFAULT '[]';

-- No planner statistics for the stream either: every query on it is an
-- equality (one stream, or the projector's stream = ANY(...)), which the
-- planner estimates from its unique primary key (1/rows per value)
-- without any; no query sorts, groups or ranges over it. Sorting 1:1
-- distinct names was a fifth of the ANALYZE that ends every rebuild.
ALTER TABLE ts_timesheets ALTER COLUMN stream SET STATISTICS 0;

-- +goose Down
ALTER TABLE ts_timesheets ALTER COLUMN stream SET STATISTICS -1;
ALTER TABLE ts_timesheets
    ALTER COLUMN hour_totals DROP DEFAULT,
    ALTER COLUMN hour_totals TYPE jsonb USING hour_totals::jsonb,
    ALTER COLUMN hour_totals SET DEFAULT '[]';
