-- +goose Up
-- readmodel/missingweeks: the missing-hours overview as a read model,
-- maintained by the projector "missing_weeks" (placement.started/ended and
-- the timesheet events that change a status) and rolled forward weekly.

-- The projector's own copy of what it derives rows from, so it never reads
-- another projector's tables (which may lag behind it).
CREATE TABLE mw_placements (
    placement_id    text   PRIMARY KEY,
    worker_id       text   NOT NULL,
    client_id       text   NOT NULL,
    intermediary_id text   NOT NULL,
    start_date      date   NOT NULL,
    end_date        date,
    revision        bigint NOT NULL -- last applied revision of placement-<id>
);

CREATE TABLE mw_sheets (
    stream       text   PRIMARY KEY, -- timesheet-<placement>-<YYYY>W<WW>
    placement_id text   NOT NULL,
    week_start   date   NOT NULL,
    status       text   NOT NULL,
    entered_by   text   NOT NULL,
    revision     bigint NOT NULL -- last applied stream revision
);
CREATE INDEX mw_sheets_placement_week ON mw_sheets (placement_id, week_start);

-- One row per placement-week inside the window whose hours are not offered:
-- no timesheet ('missing'), or one still open or rejected with the worker or
-- the client to enter it. The overview is a range read of these.
CREATE TABLE missing_weeks (
    week_start      date NOT NULL,
    placement_id    text NOT NULL,
    iso_year        int  NOT NULL,
    iso_week        int  NOT NULL,
    worker_id       text NOT NULL,
    client_id       text NOT NULL,
    intermediary_id text NOT NULL,
    status          text NOT NULL,
    PRIMARY KEY (week_start, placement_id)
);
CREATE INDEX missing_weeks_placement ON missing_weeks (placement_id, week_start);
CREATE INDEX missing_weeks_client ON missing_weeks (client_id, week_start);
CREATE INDEX missing_weeks_intermediary ON missing_weeks (intermediary_id, week_start);
CREATE INDEX missing_weeks_worker ON missing_weeks (worker_id, week_start);

-- The weeks (Mondays, inclusive) missing_weeks answers for; NULL until the
-- first roll-over. Exactly one row; a rebuild keeps it (the projector fills
-- the same window again). Weeks outside it are answered by scanning the
-- placements (notify/missing).
CREATE TABLE missing_window (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    first_week date,
    last_week  date
);
INSERT INTO missing_window (one) VALUES (true);

-- +goose Down
DROP TABLE missing_window;
DROP TABLE missing_weeks;
DROP TABLE mw_sheets;
DROP TABLE mw_placements;
