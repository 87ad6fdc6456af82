-- +goose Up

-- The detail document ts_timesheets.doc becomes typed columns (issue 13
-- §3): every event rewrote and re-encoded the whole document; now an
-- event's UPDATE sets only the column groups it changes, and nothing is
-- JSON-encoded or decoded whole per event (readmodel/timesheets/store.go,
-- docs/timesheets.md "Read models"). The repeating parts are parallel
-- arrays in display order: element i of each line_* array is line i, and
-- line_minutes holds seven minutes per line, Monday first. An empty part is
-- NULL, not '{}': most rows have no time entries, expenses or remarks, and
-- a NULL costs a row one bit where an empty array costs 16 bytes and its
-- parsing. The week's end and its name come from week_start and
-- iso_year/iso_week.
ALTER TABLE ts_timesheets
    ADD COLUMN time_registration           boolean       NOT NULL DEFAULT false,
    ADD COLUMN day_totals                  int[]         NOT NULL DEFAULT '{0,0,0,0,0,0,0}',
    ADD COLUMN round                       int           NOT NULL DEFAULT 0,
    ADD COLUMN hash                        text          NOT NULL DEFAULT '',
    ADD COLUMN offered_at                  timestamptz,
    ADD COLUMN approved_at                 timestamptz,
    ADD COLUMN imported_at                 timestamptz,
    ADD COLUMN import_batch                text          NOT NULL DEFAULT '',
    -- the last rejection (shown while rejected); NULL rejected_at: none
    ADD COLUMN rejected_at                 timestamptz,
    ADD COLUMN rejected_round              int           NOT NULL DEFAULT 0,
    ADD COLUMN rejected_step               int           NOT NULL DEFAULT 0,
    ADD COLUMN rejected_party              text          NOT NULL DEFAULT '',
    ADD COLUMN rejected_role               text          NOT NULL DEFAULT '',
    ADD COLUMN rejected_account            text          NOT NULL DEFAULT '',
    ADD COLUMN rejected_reason             text          NOT NULL DEFAULT '',
    ADD COLUMN line_hour_types             text[],
    ADD COLUMN line_names                  text[],
    ADD COLUMN line_percentages            int[],
    ADD COLUMN line_absences               boolean[],
    ADD COLUMN line_from_time_registration boolean[],
    ADD COLUMN line_minutes                int[],
    ADD COLUMN entry_ids                   int[],
    ADD COLUMN entry_dates                 text[],
    ADD COLUMN entry_starts                text[],
    ADD COLUMN entry_ends                  text[],
    ADD COLUMN entry_breaks                int[],
    ADD COLUMN entry_continuous            boolean[],
    -- RFC 3339 with the zone offset the domain computed them in
    ADD COLUMN entry_worked_from           text[],
    ADD COLUMN entry_worked_until          text[],
    ADD COLUMN entry_worked_minutes        int[],
    ADD COLUMN expense_ids                 int[],
    ADD COLUMN expense_types               text[],
    ADD COLUMN expense_dates               text[],
    ADD COLUMN expense_amounts             bigint[],
    ADD COLUMN expense_kilometres          int[],
    ADD COLUMN expense_descriptions        text[],
    ADD COLUMN remark_texts                text[],
    ADD COLUMN remark_roles                text[],
    ADD COLUMN remark_accounts             text[],
    ADD COLUMN remark_ats                  timestamptz[],
    -- the approval chain of the current (or last) offer; step i is element
    -- i; role, account and time of an approved step ('' and NULL before)
    ADD COLUMN step_parties                text[],
    ADD COLUMN step_approved               boolean[],
    ADD COLUMN step_roles                  text[],
    ADD COLUMN step_accounts               text[],
    ADD COLUMN step_ats                    timestamptz[];

-- Rows projected before this migration: the same values from the stored
-- document, so no rebuild is needed (as 0301 and 0310 did).
UPDATE ts_timesheets t SET
    time_registration = coalesce((d->>'time_registration')::boolean, false),
    day_totals        = coalesce(ARRAY(SELECT coalesce((d->'day_totals'->>k)::int, 0) FROM generate_series(0, 6) k ORDER BY k),
                                 '{0,0,0,0,0,0,0}'),
    round             = coalesce((d->>'round')::int, 0),
    hash              = coalesce(d->>'hash', ''),
    offered_at        = (d->>'offered_at')::timestamptz,
    approved_at       = (d->>'approved_at')::timestamptz,
    imported_at       = (d->>'imported_at')::timestamptz,
    import_batch      = coalesce(d->>'import_batch', ''),
    rejected_at       = (d->'rejection'->>'at')::timestamptz,
    rejected_round    = coalesce((d->'rejection'->>'round')::int, 0),
    rejected_step     = coalesce((d->'rejection'->>'step')::int, 0),
    rejected_party    = coalesce(d->'rejection'->>'party', ''),
    rejected_role     = coalesce(d->'rejection'->'by'->>'role', ''),
    rejected_account  = coalesce(d->'rejection'->'by'->>'account_id', ''),
    rejected_reason   = coalesce(d->'rejection'->>'reason', ''),
    line_hour_types   = nullif(ARRAY(SELECT coalesce(x->>'hour_type', '') FROM jsonb_array_elements(l) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    line_names        = nullif(ARRAY(SELECT coalesce(x->>'name', '') FROM jsonb_array_elements(l) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    line_percentages  = nullif(ARRAY(SELECT coalesce((x->>'percentage')::int, 0) FROM jsonb_array_elements(l) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    line_absences     = nullif(ARRAY(SELECT coalesce((x->>'absence')::boolean, false) FROM jsonb_array_elements(l) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    line_from_time_registration = nullif(ARRAY(SELECT coalesce((x->>'from_time_registration')::boolean, false)
                                        FROM jsonb_array_elements(l) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    line_minutes      = nullif(ARRAY(SELECT coalesce((x->'minutes'->>k)::int, 0)
                              FROM jsonb_array_elements(l) WITH ORDINALITY a(x, i), generate_series(0, 6) k ORDER BY i, k), '{}'),
    entry_ids         = nullif(ARRAY(SELECT coalesce((x->>'id')::int, 0) FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_dates       = nullif(ARRAY(SELECT coalesce(x->>'date', '') FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_starts      = nullif(ARRAY(SELECT coalesce(x->>'start', '') FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_ends        = nullif(ARRAY(SELECT coalesce(x->>'end', '') FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_breaks      = nullif(ARRAY(SELECT coalesce((x->>'break_minutes')::int, 0) FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_continuous  = nullif(ARRAY(SELECT coalesce((x->>'continuous')::boolean, false) FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_worked_from = nullif(ARRAY(SELECT coalesce(x->>'worked_from', '') FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_worked_until = nullif(ARRAY(SELECT coalesce(x->>'worked_until', '') FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    entry_worked_minutes = nullif(ARRAY(SELECT coalesce((x->>'worked_minutes')::int, 0) FROM jsonb_array_elements(en) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    expense_ids       = nullif(ARRAY(SELECT coalesce((x->>'id')::int, 0) FROM jsonb_array_elements(ex) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    expense_types     = nullif(ARRAY(SELECT coalesce(x->>'type', '') FROM jsonb_array_elements(ex) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    expense_dates     = nullif(ARRAY(SELECT coalesce(x->>'date', '') FROM jsonb_array_elements(ex) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    expense_amounts   = nullif(ARRAY(SELECT coalesce((x->>'amount_cents')::bigint, 0) FROM jsonb_array_elements(ex) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    expense_kilometres = nullif(ARRAY(SELECT coalesce((x->>'kilometres')::int, 0) FROM jsonb_array_elements(ex) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    expense_descriptions = nullif(ARRAY(SELECT coalesce(x->>'description', '') FROM jsonb_array_elements(ex) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    remark_texts      = nullif(ARRAY(SELECT coalesce(x->>'text', '') FROM jsonb_array_elements(re) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    remark_roles      = nullif(ARRAY(SELECT coalesce(x->'by'->>'role', '') FROM jsonb_array_elements(re) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    remark_accounts   = nullif(ARRAY(SELECT coalesce(x->'by'->>'account_id', '') FROM jsonb_array_elements(re) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    remark_ats        = nullif(ARRAY(SELECT coalesce((x->>'at')::timestamptz, 'epoch') FROM jsonb_array_elements(re) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    step_parties      = nullif(ARRAY(SELECT coalesce(x->>'party', '') FROM jsonb_array_elements(st) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    step_approved     = nullif(ARRAY(SELECT coalesce((x->>'approved')::boolean, false) FROM jsonb_array_elements(st) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    step_roles        = nullif(ARRAY(SELECT coalesce(x->'by'->>'role', '') FROM jsonb_array_elements(st) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    step_accounts     = nullif(ARRAY(SELECT coalesce(x->'by'->>'account_id', '') FROM jsonb_array_elements(st) WITH ORDINALITY a(x, i) ORDER BY i), '{}'),
    step_ats          = nullif(ARRAY(SELECT (x->>'at')::timestamptz FROM jsonb_array_elements(st) WITH ORDINALITY a(x, i) ORDER BY i), '{}')
FROM (SELECT stream, d,
             CASE WHEN jsonb_typeof(d->'lines') = 'array' THEN d->'lines' ELSE '[]' END AS l,
             CASE WHEN jsonb_typeof(d->'entries') = 'array' THEN d->'entries' ELSE '[]' END AS en,
             CASE WHEN jsonb_typeof(d->'expenses') = 'array' THEN d->'expenses' ELSE '[]' END AS ex,
             CASE WHEN jsonb_typeof(d->'remarks') = 'array' THEN d->'remarks' ELSE '[]' END AS re,
             CASE WHEN jsonb_typeof(d->'steps') = 'array' THEN d->'steps' ELSE '[]' END AS st
      FROM (SELECT stream, doc::jsonb AS d FROM ts_timesheets) docs) x
WHERE x.stream = t.stream;

ALTER TABLE ts_timesheets DROP COLUMN doc;

-- No planner statistics for the detail's columns: no query filters or
-- sorts on them, and ANALYZE (run by every rebuild as the table grows)
-- would otherwise sample and sort each of them each time (as 0311 did for
-- doc; 0312 adds 45 columns, and a statistic per column cost the rebuild
-- more CPU than the narrow rows saved).
ALTER TABLE ts_timesheets
    ALTER COLUMN time_registration SET STATISTICS 0,
    ALTER COLUMN day_totals SET STATISTICS 0,
    ALTER COLUMN round SET STATISTICS 0,
    ALTER COLUMN hash SET STATISTICS 0,
    ALTER COLUMN offered_at SET STATISTICS 0,
    ALTER COLUMN approved_at SET STATISTICS 0,
    ALTER COLUMN imported_at SET STATISTICS 0,
    ALTER COLUMN import_batch SET STATISTICS 0,
    ALTER COLUMN rejected_at SET STATISTICS 0,
    ALTER COLUMN rejected_round SET STATISTICS 0,
    ALTER COLUMN rejected_step SET STATISTICS 0,
    ALTER COLUMN rejected_party SET STATISTICS 0,
    ALTER COLUMN rejected_role SET STATISTICS 0,
    ALTER COLUMN rejected_account SET STATISTICS 0,
    ALTER COLUMN rejected_reason SET STATISTICS 0,
    ALTER COLUMN line_hour_types SET STATISTICS 0,
    ALTER COLUMN line_names SET STATISTICS 0,
    ALTER COLUMN line_percentages SET STATISTICS 0,
    ALTER COLUMN line_absences SET STATISTICS 0,
    ALTER COLUMN line_from_time_registration SET STATISTICS 0,
    ALTER COLUMN line_minutes SET STATISTICS 0,
    ALTER COLUMN entry_ids SET STATISTICS 0,
    ALTER COLUMN entry_dates SET STATISTICS 0,
    ALTER COLUMN entry_starts SET STATISTICS 0,
    ALTER COLUMN entry_ends SET STATISTICS 0,
    ALTER COLUMN entry_breaks SET STATISTICS 0,
    ALTER COLUMN entry_continuous SET STATISTICS 0,
    ALTER COLUMN entry_worked_from SET STATISTICS 0,
    ALTER COLUMN entry_worked_until SET STATISTICS 0,
    ALTER COLUMN entry_worked_minutes SET STATISTICS 0,
    ALTER COLUMN expense_ids SET STATISTICS 0,
    ALTER COLUMN expense_types SET STATISTICS 0,
    ALTER COLUMN expense_dates SET STATISTICS 0,
    ALTER COLUMN expense_amounts SET STATISTICS 0,
    ALTER COLUMN expense_kilometres SET STATISTICS 0,
    ALTER COLUMN expense_descriptions SET STATISTICS 0,
    ALTER COLUMN remark_texts SET STATISTICS 0,
    ALTER COLUMN remark_roles SET STATISTICS 0,
    ALTER COLUMN remark_accounts SET STATISTICS 0,
    ALTER COLUMN remark_ats SET STATISTICS 0,
    ALTER COLUMN step_parties SET STATISTICS 0,
    ALTER COLUMN step_approved SET STATISTICS 0,
    ALTER COLUMN step_roles SET STATISTICS 0,
    ALTER COLUMN step_accounts SET STATISTICS 0,
    ALTER COLUMN step_ats SET STATISTICS 0;

-- +goose Down
-- The columns go; doc comes back empty: rebuild the projector "timesheets"
-- after migrating down (backoffice projections rebuild timesheets).
ALTER TABLE ts_timesheets ADD COLUMN doc text NOT NULL DEFAULT '{}';
ALTER TABLE ts_timesheets ALTER COLUMN doc SET STATISTICS 0;
ALTER TABLE ts_timesheets
    DROP COLUMN time_registration, DROP COLUMN day_totals, DROP COLUMN round,
    DROP COLUMN hash, DROP COLUMN offered_at, DROP COLUMN approved_at, DROP COLUMN imported_at,
    DROP COLUMN import_batch, DROP COLUMN rejected_at, DROP COLUMN rejected_round, DROP COLUMN rejected_step,
    DROP COLUMN rejected_party, DROP COLUMN rejected_role, DROP COLUMN rejected_account, DROP COLUMN rejected_reason,
    DROP COLUMN line_hour_types, DROP COLUMN line_names, DROP COLUMN line_percentages, DROP COLUMN line_absences,
    DROP COLUMN line_from_time_registration, DROP COLUMN line_minutes, DROP COLUMN entry_ids, DROP COLUMN entry_dates,
    DROP COLUMN entry_starts, DROP COLUMN entry_ends, DROP COLUMN entry_breaks, DROP COLUMN entry_continuous,
    DROP COLUMN entry_worked_from, DROP COLUMN entry_worked_until, DROP COLUMN entry_worked_minutes,
    DROP COLUMN expense_ids, DROP COLUMN expense_types, DROP COLUMN expense_dates, DROP COLUMN expense_amounts,
    DROP COLUMN expense_kilometres, DROP COLUMN expense_descriptions, DROP COLUMN remark_texts, DROP COLUMN remark_roles,
    DROP COLUMN remark_accounts, DROP COLUMN remark_ats, DROP COLUMN step_parties, DROP COLUMN step_approved,
    DROP COLUMN step_roles, DROP COLUMN step_accounts, DROP COLUMN step_ats;
