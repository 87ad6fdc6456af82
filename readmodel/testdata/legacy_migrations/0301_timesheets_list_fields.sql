-- +goose Up

-- The list (Summary) carries what a bulk approval must send back and what
-- "waiting for me" filters on, as columns of ts_timesheets maintained by the
-- projector "timesheets" (and filled by it again on every rebuild):
--   entered_by   role that enters the hours (worker or client), from
--                timesheet.opened;
--   next_step    index of the approval step that is next, only while
--                offered with a step pending (NULL otherwise);
--   offered_hash content hash of the current offer, only while offered
--                (NULL otherwise).
ALTER TABLE ts_timesheets
    ADD COLUMN entered_by   text NOT NULL DEFAULT '',
    ADD COLUMN next_step    int,
    ADD COLUMN offered_hash text;

-- Rows projected before this migration: the same values from the stored
-- document, so no rebuild is needed.
UPDATE ts_timesheets SET
    entered_by   = coalesce(doc->>'entered_by', ''),
    next_step    = CASE WHEN status = 'offered' AND next_party IS NOT NULL THEN (doc->>'next_step')::int END,
    offered_hash = CASE WHEN status = 'offered' THEN nullif(doc->>'hash', '') END;

-- "Waiting for me" also lists the weeks the actor still has to enter or
-- offer again: open or rejected, by the entering role. Partial like
-- ts_timesheets_offered, so it stays small.
CREATE INDEX ts_timesheets_to_enter ON ts_timesheets (entered_by, week_start, placement_id)
    WHERE status IN ('open', 'rejected');

-- +goose Down
DROP INDEX ts_timesheets_to_enter;
ALTER TABLE ts_timesheets
    DROP COLUMN offered_hash,
    DROP COLUMN next_step,
    DROP COLUMN entered_by;
