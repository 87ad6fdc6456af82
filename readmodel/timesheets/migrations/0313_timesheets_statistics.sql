-- +goose Up

-- No planner statistics for the list's display columns either: no query
-- filters, joins, groups or sorts on them (the lists, the reports, the
-- reminders and the missing-hours overview use stream, placement_id,
-- iso_year, iso_week, week_start, worker_id, client_id, intermediary_id,
-- status, next_party and entered_by, which keep theirs). The ANALYZE that
-- ends every rebuild sampled and sorted these eleven for nothing: half of
-- its work (docs/BENCHMARKS.md §5, rebuild6). A query that comes to filter
-- on one of them should give it back its statistics (SET STATISTICS -1).
ALTER TABLE ts_timesheets
    ALTER COLUMN total_minutes SET STATISTICS 0,
    ALTER COLUMN entry_deadline SET STATISTICS 0,
    ALTER COLUMN approval_deadline SET STATISTICS 0,
    ALTER COLUMN offered_late SET STATISTICS 0,
    ALTER COLUMN approved_late SET STATISTICS 0,
    ALTER COLUMN revision SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0,
    ALTER COLUMN next_step SET STATISTICS 0,
    ALTER COLUMN offered_hash SET STATISTICS 0,
    ALTER COLUMN expenses_cents SET STATISTICS 0,
    ALTER COLUMN expense_km SET STATISTICS 0;

-- +goose Down
ALTER TABLE ts_timesheets
    ALTER COLUMN total_minutes SET STATISTICS -1,
    ALTER COLUMN entry_deadline SET STATISTICS -1,
    ALTER COLUMN approval_deadline SET STATISTICS -1,
    ALTER COLUMN offered_late SET STATISTICS -1,
    ALTER COLUMN approved_late SET STATISTICS -1,
    ALTER COLUMN revision SET STATISTICS -1,
    ALTER COLUMN updated_at SET STATISTICS -1,
    ALTER COLUMN next_step SET STATISTICS -1,
    ALTER COLUMN offered_hash SET STATISTICS -1,
    ALTER COLUMN expenses_cents SET STATISTICS -1,
    ALTER COLUMN expense_km SET STATISTICS -1;
