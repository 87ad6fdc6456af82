// Package missingweeks keeps the missing-hours overview as a read model:
// a row per (placement, week) inside a window of weeks whose hours have not
// been offered (no timesheet, or one still open or rejected with the worker
// or the client to enter it). The projector keeps the rows in step with the
// events; time passing (a new week without any event) is the roll-over's
// job (Advance), which extends the window ahead of the clock. notify/missing
// reads the rows when the window covers the weeks asked for.
package missingweeks

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/projections"
)

// Name is the projector's name.
//
// WARNING: stored as the projector's checkpoint key; never rename it.
const Name = "missing_weeks"

// Projector maintains mw_placements, mw_sheets and missing_weeks.
type Projector struct{}

var (
	_ projections.BatchProjector = (*Projector)(nil)
	_ projections.TypedProjector = (*Projector)(nil)
)

// New returns the projector.
func New() *Projector { return &Projector{} }

// Projectors are this package's projectors, for the projections runtime.
func Projectors() []projections.Projector { return []projections.Projector{New()} }

// Name implements projections.Projector.
func (*Projector) Name() string { return Name }

// AsyncCommit: its rows derive from the log alone and commit with its
// checkpoint (projections.AsyncCommitProjector, docs/architecture.md).
func (*Projector) AsyncCommit() bool { return true }

// eventTypes are the events that start or end a placement or change a
// timesheet's status; the others (lines, remarks, step approvals) cannot
// make a week missing or not.
var eventTypes = []string{placement.TypeStarted, placement.TypeEnded, placement.TypeCorrected,
	ts.TypeOpened, ts.TypeOffered, ts.TypeRejected, ts.TypeApproved, ts.TypeImported, ts.TypeOfferWithdrawn, ts.TypeReopened}

// EventTypes implements projections.TypedProjector.
func (*Projector) EventTypes() []string { return eventTypes }

// Handles implements projections.Projector.
func (*Projector) Handles(eventType string) bool {
	for _, t := range eventTypes {
		if t == eventType {
			return true
		}
	}
	return false
}

// Reset implements projections.Projector. The window stays: the rebuild
// fills the same weeks again.
func (*Projector) Reset(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `TRUNCATE mw_placements, mw_sheets, missing_weeks`); err != nil {
		return fmt.Errorf("missingweeks: unable to reset: %w", err)
	}
	return nil
}

// Handle implements projections.Projector.
func (p *Projector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}

// HandleBatch implements projections.BatchProjector: the batch's state
// changes (each guarded by its stream revision, so a re-applied event
// changes nothing), then the rows of every placement or placement-week it
// touched are derived again from that state. Deriving rather than patching
// keeps it idempotent and equal to a rebuild.
func (p *Projector) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	// The window row first, shared: a roll-over (which takes it exclusively)
	// then sees this batch's state or none of it, never half.
	var first, last *time.Time
	if err := tx.QueryRow(ctx, `SELECT first_week, last_week FROM missing_window FOR SHARE`).Scan(&first, &last); err != nil {
		return fmt.Errorf("missingweeks: unable to read the window: %w", err)
	}
	var b pgx.Batch
	var placements, streams []string
	for _, rec := range events {
		if !p.Handles(rec.Type) {
			continue // a line or a remark changes no status
		}
		rev := int64(rec.Revision)
		switch rec.Type {
		case placement.TypeStarted, placement.TypeEnded, placement.TypeCorrected:
			ev, err := placement.Events.Decode(rec.Type, rec.Data)
			if err != nil {
				return fmt.Errorf("missingweeks: %s revision %d: %w", rec.Stream, rec.Revision, err)
			}
			switch e := ev.(type) {
			case *placement.Started:
				b.Queue(`INSERT INTO mw_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision)
					VALUES ($1, $2, $3, $4, $5, $6, $7)
					ON CONFLICT (placement_id) DO UPDATE SET worker_id = excluded.worker_id, client_id = excluded.client_id,
						intermediary_id = excluded.intermediary_id, start_date = excluded.start_date,
						end_date = excluded.end_date, revision = excluded.revision
					WHERE mw_placements.revision < excluded.revision`,
					e.PlacementID, e.WorkerID, e.ClientID, e.IntermediaryID, e.Start, e.End, rev)
				placements = append(placements, e.PlacementID)
			case *placement.Ended:
				b.Queue(`UPDATE mw_placements SET end_date = $2, revision = $3 WHERE placement_id = $1 AND revision < $3`,
					e.PlacementID, e.End, rev)
				placements = append(placements, e.PlacementID)
			case *placement.Corrected:
				b.Queue(`UPDATE mw_placements SET start_date = $2, revision = $3 WHERE placement_id = $1 AND revision < $3`,
					e.PlacementID, e.Start, rev)
				placements = append(placements, e.PlacementID)
			}
		default:
			ev, err := ts.Events.Decode(rec.Type, rec.Data)
			if err != nil {
				return fmt.Errorf("missingweeks: %s revision %d: %w", rec.Stream, rec.Revision, err)
			}
			if e, ok := ev.(*ts.Opened); ok {
				b.Queue(`INSERT INTO mw_sheets (stream, placement_id, week_start, status, entered_by, revision)
					VALUES ($1, $2, $3::date, $4, $5, $6)
					ON CONFLICT (stream) DO UPDATE SET placement_id = excluded.placement_id, week_start = excluded.week_start,
						status = excluded.status, entered_by = excluded.entered_by, revision = excluded.revision
					WHERE mw_sheets.revision < excluded.revision`,
					rec.Stream, e.PlacementID, e.WeekStart.String(), string(ts.StatusOpen), string(e.EnteredBy), rev)
			} else {
				b.Queue(`UPDATE mw_sheets SET status = $2, revision = $3 WHERE stream = $1 AND revision < $3`,
					rec.Stream, string(statusAfter(rec.Type)), rev)
			}
			streams = append(streams, rec.Stream)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	if first != nil && last != nil {
		queueDerive(&b, placements, streams, *first, *last)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("missingweeks: unable to write %d events: %w", len(events), err)
	}
	return nil
}

// statusAfter is a timesheet's status after an event of type t (other than
// timesheet.opened), as the timesheets read model folds it.
func statusAfter(t string) ts.Status {
	switch t {
	case ts.TypeOffered:
		return ts.StatusOffered
	case ts.TypeRejected, ts.TypeReopened: // a correction after import goes back as a rejection
		return ts.StatusRejected
	case ts.TypeApproved:
		return ts.StatusApproved
	case ts.TypeImported:
		return ts.StatusImported
	default: // TypeOfferWithdrawn
		return ts.StatusOpen
	}
}

// targetsSQL lists what to derive again: whole placements ($1) and the
// placement-week of each timesheet stream ($2), as (pid, f, t) ranges of
// week starts.
const targetsSQL = `
	WITH t AS (
		SELECT pid, date '-infinity' AS f, date 'infinity' AS t FROM unnest($1::text[]) AS u(pid)
		UNION ALL
		SELECT s.placement_id, s.week_start, s.week_start FROM mw_sheets s WHERE s.stream = ANY($2::text[])
	)`

// deriveSQL inserts the missing placement-weeks of the targets t inside
// the window [first, last] (placeholders such as "$3"): the weeks of each placement's period (Monday of the start to
// Monday of the end), without a timesheet or with one the worker or client
// still has to offer. Exactly the condition notify/missing scans for.
func deriveSQL(first, last string) string {
	return `
	INSERT INTO missing_weeks (week_start, placement_id, iso_year, iso_week, worker_id, client_id, intermediary_id, status)
	SELECT w.start, p.placement_id, extract(isoyear FROM w.start)::int, extract(week FROM w.start)::int,
	       p.worker_id, p.client_id, p.intermediary_id, coalesce(s.status, 'missing')
	FROM t
	JOIN mw_placements p ON p.placement_id = t.pid
	CROSS JOIN LATERAL (SELECT greatest(t.f, ` + first + `::date, p.start_date - (extract(isodow FROM p.start_date)::int - 1)) AS lo,
	                           least(t.t, ` + last + `::date, coalesce(p.end_date - (extract(isodow FROM p.end_date)::int - 1), date 'infinity')) AS hi) r
	CROSS JOIN LATERAL (SELECT r.lo + 7 * i AS start FROM generate_series(0, CASE WHEN r.hi >= r.lo THEN (r.hi - r.lo) / 7 ELSE -1 END) AS i) w
	LEFT JOIN mw_sheets s ON s.placement_id = p.placement_id AND s.week_start = w.start
	WHERE s.stream IS NULL OR (s.status IN ('open', 'rejected') AND s.entered_by IN ('worker', 'client', ''))
	ON CONFLICT DO NOTHING`
}

// queueDerive deletes and derives again the rows of the given placements
// and timesheet streams inside the window [first, last].
func queueDerive(b *pgx.Batch, placements, streams []string, first, last time.Time) {
	if placements == nil {
		placements = []string{}
	}
	if streams == nil {
		streams = []string{}
	}
	b.Queue(targetsSQL+`
		DELETE FROM missing_weeks m USING t WHERE m.placement_id = t.pid AND m.week_start BETWEEN t.f AND t.t`,
		placements, streams)
	b.Queue(targetsSQL+deriveSQL("$3", "$4"), placements, streams, first, last)
}
