-- +goose Up

-- The hours report (urenrapport) reads per-hour-type minutes and expense
-- sums of many timesheets at once. They are columns of ts_timesheets,
-- maintained by the projector "timesheets" (and filled again on every
-- rebuild), so the report never has to unpack the detail document:
--   hour_totals    one element per hour type code with its minutes over all
--                  lines: [{"code","name","percentage","absence","minutes"}];
--   expenses_cents sum of the claimed expense amounts (parking, other);
--   expense_km     sum of the claimed kilometres (travel has no amount).
-- The report's range query per scope is served by the existing indexes
-- ts_timesheets_{client,intermediary,worker,all} (scope, week_start, ...);
-- see docs/timesheets.md "Hours report".
ALTER TABLE ts_timesheets
    ADD COLUMN hour_totals    jsonb  NOT NULL DEFAULT '[]',
    ADD COLUMN expenses_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN expense_km     int    NOT NULL DEFAULT 0;

-- Rows projected before this migration: the same values from the stored
-- document, so no rebuild is needed.
UPDATE ts_timesheets t SET
    hour_totals = coalesce((
        SELECT jsonb_agg(jsonb_build_object('code', x.code, 'name', x.name, 'percentage', x.percentage,
                                            'absence', x.absence, 'minutes', x.minutes) ORDER BY x.code)
        FROM (SELECT l->>'hour_type' AS code,
                     max(coalesce(l->>'name', '')) AS name,
                     max(coalesce((l->>'percentage')::int, 0)) AS percentage,
                     bool_or(coalesce((l->>'absence')::boolean, false)) AS absence,
                     sum(coalesce((l->>'total')::int, 0)) AS minutes
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(t.doc->'lines') = 'array' THEN t.doc->'lines' ELSE '[]' END) l
              GROUP BY 1) x), '[]'),
    expenses_cents = coalesce((
        SELECT sum(coalesce((e->>'amount_cents')::bigint, 0))
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(t.doc->'expenses') = 'array' THEN t.doc->'expenses' ELSE '[]' END) e), 0),
    expense_km = coalesce((
        SELECT sum(coalesce((e->>'kilometres')::int, 0))
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(t.doc->'expenses') = 'array' THEN t.doc->'expenses' ELSE '[]' END) e), 0);

-- +goose Down
ALTER TABLE ts_timesheets
    DROP COLUMN expense_km,
    DROP COLUMN expenses_cents,
    DROP COLUMN hour_totals;
