-- +goose Up

-- Placements as the timesheet screens need them (tenant IDs and period),
-- maintained by the projector "timesheet_placements" from placement.started
-- and placement.ended. end_date NULL: open-ended.
CREATE TABLE ts_placements (
    placement_id    text   PRIMARY KEY,
    worker_id       text   NOT NULL,
    client_id       text   NOT NULL,
    intermediary_id text   NOT NULL,
    start_date      date   NOT NULL,
    end_date        date,
    revision        bigint NOT NULL -- last applied revision of placement-<id>
);

-- One row per timesheet stream, maintained by the projector "timesheets".
-- Filterable fields are columns; the detail screen's content (lines, day
-- totals, entries, expenses, remarks, approval steps, rejection) is one jsonb
-- document folded from the events.
CREATE TABLE ts_timesheets (
    stream            text        PRIMARY KEY, -- timesheet-<placement>-<YYYY>W<WW>
    placement_id      text        NOT NULL,
    iso_year          int         NOT NULL,
    iso_week          int         NOT NULL,
    week_start        date        NOT NULL,
    worker_id         text        NOT NULL,
    client_id         text        NOT NULL,
    intermediary_id   text        NOT NULL,
    status            text        NOT NULL,
    next_party        text,                  -- role of the next step while offered
    total_minutes     int         NOT NULL,
    entry_deadline    timestamptz NOT NULL,
    approval_deadline timestamptz NOT NULL,
    offered_late      boolean     NOT NULL,
    approved_late     boolean     NOT NULL,
    revision          bigint      NOT NULL,  -- last applied stream revision
    updated_at        timestamptz NOT NULL,
    doc               jsonb       NOT NULL
);
-- Lists are read newest first, (week_start, placement_id) DESC, as a
-- backward scan of these indexes.
CREATE UNIQUE INDEX ts_timesheets_placement_week ON ts_timesheets (placement_id, iso_year, iso_week);
CREATE INDEX ts_timesheets_client ON ts_timesheets (client_id, week_start, placement_id);
CREATE INDEX ts_timesheets_intermediary ON ts_timesheets (intermediary_id, week_start, placement_id);
CREATE INDEX ts_timesheets_worker ON ts_timesheets (worker_id, week_start, placement_id);
CREATE INDEX ts_timesheets_all ON ts_timesheets (week_start, placement_id);
-- "waiting for me" and the not-approved lists stay small: partial index.
CREATE INDEX ts_timesheets_offered ON ts_timesheets (next_party, week_start, placement_id) WHERE status = 'offered';

-- Pre-aggregated status counts for the home screen, per scope: ('all', ''),
-- ('intermediary', id), ('client', id), ('worker', id). The projector adds
-- the deltas of every batch, so the overview is a handful of key lookups at
-- any scale.
CREATE TABLE ts_status_counts (
    scope_kind text   NOT NULL,
    scope_id   text   NOT NULL,
    status     text   NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, status)
);

-- +goose Down
DROP TABLE ts_status_counts;
DROP TABLE ts_timesheets;
DROP TABLE ts_placements;
