-- +goose Up

-- The corrections waiting on the portal's screen "Salarisverwerking"
-- (readmodel/payroll Queries.Corrections): reopened timesheets and
-- approved correction rounds not yet imported; both are few.
CREATE INDEX payroll_timesheets_reopened ON payroll_timesheets (client_id) WHERE reopened_from IS NOT NULL;
CREATE INDEX payroll_feed_corrections_pending ON payroll_feed (client_id) WHERE correction_of IS NOT NULL AND NOT imported;

-- +goose Down
DROP INDEX payroll_feed_corrections_pending;
DROP INDEX payroll_timesheets_reopened;
