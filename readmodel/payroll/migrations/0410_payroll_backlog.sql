-- +goose Up

-- The export backlog of a client (readmodel/payroll Queries.Backlog):
-- approved, not yet imported timesheets per client and week.
CREATE INDEX payroll_feed_client_pending ON payroll_feed (client_id, iso_year, iso_week) WHERE NOT imported;

-- +goose Down
DROP INDEX payroll_feed_client_pending;
