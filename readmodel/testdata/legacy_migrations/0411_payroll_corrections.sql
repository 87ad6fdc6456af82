-- +goose Up

-- Corrections after import (timesheet.reopened, docs/payroll.md): a
-- timesheet can be approved again in a later round, and every approval is
-- its own feed row, keyed by stream and round.
ALTER TABLE payroll_feed DROP CONSTRAINT payroll_feed_pkey;
ALTER TABLE payroll_feed ADD PRIMARY KEY (stream, round);
DROP INDEX payroll_feed_placement_week;
CREATE UNIQUE INDEX payroll_feed_placement_week ON payroll_feed (placement_id, iso_year, iso_week, round);
-- The import batch of the content a correction's approval replaces.
ALTER TABLE payroll_feed ADD COLUMN correction_of text;
-- Set by timesheet.reopened (the import batch of the reopened content)
-- until the next approval.
ALTER TABLE payroll_timesheets ADD COLUMN reopened_from text;

-- +goose Down
ALTER TABLE payroll_timesheets DROP COLUMN reopened_from;
ALTER TABLE payroll_feed DROP COLUMN correction_of;
DROP INDEX payroll_feed_placement_week;
CREATE UNIQUE INDEX payroll_feed_placement_week ON payroll_feed (placement_id, iso_year, iso_week);
ALTER TABLE payroll_feed DROP CONSTRAINT payroll_feed_pkey;
ALTER TABLE payroll_feed ADD PRIMARY KEY (stream);
