-- +goose Up

-- The detail document (ts_timesheets.doc) is written and read whole by the
-- projector and the detail query, which encode and decode it in Go; no
-- statement looks inside it. Stored as text the server no longer parses it
-- into jsonb on every write: a rebuild's COPY of the rows is 2–3× cheaper
-- and the table about 18 % smaller (docs/BENCHMARKS.md §5, 2026-12-05
-- rebuild2). The projector writes the same bytes on the live and the
-- rebuild path.
ALTER TABLE ts_timesheets ALTER COLUMN doc TYPE text;

-- No planner statistics for the documents and the hours report's totals:
-- no query filters or sorts on them, and ANALYZE (run by every rebuild as
-- the table grows) would otherwise sort tens of thousands of sampled
-- documents each time.
ALTER TABLE ts_timesheets
    ALTER COLUMN doc SET STATISTICS 0,
    ALTER COLUMN hour_totals SET STATISTICS 0;

-- +goose Down
ALTER TABLE ts_timesheets
    ALTER COLUMN doc SET STATISTICS -1,
    ALTER COLUMN hour_totals SET STATISTICS -1;
ALTER TABLE ts_timesheets ALTER COLUMN doc TYPE jsonb USING doc::jsonb;
