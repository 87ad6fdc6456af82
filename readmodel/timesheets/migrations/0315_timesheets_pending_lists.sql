-- +goose Up

-- Status-filtered lists of a large tenant. The list reads newest first on
-- the tenant's (week_start, placement_id) index and filters the status; for
-- a status that is rare in the tenant (approved, offered, rejected: only
-- the last weeks) and on the page after its last row, that scan read every
-- older, imported row of the tenant: 192,000 rows and 295 ms for one page
-- of a client with 1,500 workers and 200,000 weeks (docs/BENCHMARKS.md
-- §10). Imported timesheets are the bulk and never change; these indexes
-- hold only the others, so a filter on any status but imported stays in
-- the few recent weeks. The list adds "status <> 'imported'" to such a
-- query so the planner can use them with bound parameters.
CREATE INDEX ts_timesheets_client_pending ON ts_timesheets (client_id, week_start, placement_id)
    WHERE status <> 'imported';
CREATE INDEX ts_timesheets_intermediary_pending ON ts_timesheets (intermediary_id, week_start, placement_id)
    WHERE status <> 'imported';
CREATE INDEX ts_timesheets_pending ON ts_timesheets (week_start, placement_id)
    WHERE status <> 'imported';

-- +goose Down
DROP INDEX ts_timesheets_pending;
DROP INDEX ts_timesheets_intermediary_pending;
DROP INDEX ts_timesheets_client_pending;
