-- +goose Up

-- The payroll feed, maintained by the projector "payroll.feed" (readmodel/
-- payroll) from timesheet.opened, timesheet.approved and timesheet.imported.

-- Every timesheet stream the projector has seen: the placement, week and
-- tenant IDs from timesheet.opened, which the approval row copies. revision
-- is the last stream revision the projector applied (idempotency).
CREATE TABLE payroll_timesheets (
    stream          text   PRIMARY KEY, -- timesheet-<placement>-<YYYY>W<WW>
    placement_id    text   NOT NULL,
    iso_year        int    NOT NULL,
    iso_week        int    NOT NULL,
    week_start      date   NOT NULL,
    week_end        date   NOT NULL,
    worker_id       text   NOT NULL,
    client_id       text   NOT NULL,
    intermediary_id text   NOT NULL,
    revision        bigint NOT NULL
);

-- One row per final approval (geaccordeerd), in feed order: the global log
-- position of the timesheet.approved event (commit, prepare). The approved
-- content is what payroll imports; import_batch/imported_at are set by
-- timesheet.imported.
CREATE TABLE payroll_feed (
    stream            text        PRIMARY KEY,
    commit_pos        bigint      NOT NULL CHECK (commit_pos >= 0),
    prepare_pos       bigint      NOT NULL CHECK (prepare_pos >= 0),
    placement_id      text        NOT NULL,
    iso_year          int         NOT NULL,
    iso_week          int         NOT NULL,
    week_start        date        NOT NULL,
    week_end          date        NOT NULL,
    worker_id         text        NOT NULL,
    client_id         text        NOT NULL,
    intermediary_id   text        NOT NULL,
    round             int         NOT NULL,
    content_hash      text        NOT NULL,
    lines             jsonb       NOT NULL, -- hour lines: hour type, minutes per day (Monday first), total
    day_totals        int[]       NOT NULL, -- minutes per day over all lines, Monday first
    total_minutes     int         NOT NULL,
    expenses          jsonb       NOT NULL, -- claimed expenses
    allowances        jsonb       NOT NULL, -- computed automatic allowances
    approved_at       timestamptz NOT NULL,
    approval_deadline timestamptz NOT NULL,
    late              boolean     NOT NULL,
    imported          boolean     NOT NULL DEFAULT false,
    import_batch      text,
    imported_at       timestamptz,
    revision          bigint      NOT NULL  -- stream revision of the last applied event
);
-- Feed order. The default feed (not yet imported) reads the partial index.
CREATE UNIQUE INDEX payroll_feed_position ON payroll_feed (commit_pos, prepare_pos);
CREATE INDEX payroll_feed_pending ON payroll_feed (commit_pos, prepare_pos) WHERE NOT imported;
CREATE UNIQUE INDEX payroll_feed_placement_week ON payroll_feed (placement_id, iso_year, iso_week);

-- +goose Down
DROP TABLE payroll_feed;
DROP TABLE payroll_timesheets;
