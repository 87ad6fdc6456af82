package timesheets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain/placement"
	"backoffice/eventstore"
	"backoffice/projections"
)

// NamePlacements is the name of the projector of ts_placements.
//
// WARNING: stored as the projector's checkpoint key; never rename it.
const NamePlacements = "timesheet_placements"

// Placements projects placement.started, .ended and .corrected into
// ts_placements: the tenant IDs and period the week colours need.
type Placements struct{}

var _ projections.BatchProjector = (*Placements)(nil)

// NewPlacements returns the projector.
func NewPlacements() *Placements { return &Placements{} }

// Name implements projections.Projector.
func (*Placements) Name() string { return NamePlacements }

// AsyncCommit: its rows derive from the log alone and commit with its
// checkpoint (projections.AsyncCommitProjector, docs/architecture.md).
func (*Placements) AsyncCommit() bool { return true }

// Handles implements projections.Projector.
func (*Placements) Handles(eventType string) bool {
	return eventType == placement.TypeStarted || eventType == placement.TypeEnded || eventType == placement.TypeCorrected
}

// EventTypes implements projections.TypedProjector: catch-up and rebuild
// read only these from the log.
func (*Placements) EventTypes() []string {
	return []string{placement.TypeStarted, placement.TypeEnded, placement.TypeCorrected}
}

// Reset implements projections.Projector.
func (*Placements) Reset(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `TRUNCATE ts_placements`); err != nil {
		return fmt.Errorf("timesheets: unable to reset placements: %w", err)
	}
	return nil
}

// Handle implements projections.Projector.
func (p *Placements) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}

func dateString(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// HandleBatch implements projections.BatchProjector: one round trip for
// the whole batch. Each write is guarded by the stream revision, so a
// re-applied event changes nothing.
func (p *Placements) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	var b pgx.Batch
	for _, rec := range events {
		ev, err := placement.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("timesheets: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		id := strings.TrimPrefix(rec.Stream, placement.StreamPrefix)
		switch e := ev.(type) {
		case *placement.Started:
			var end *string
			if e.End != nil {
				s := dateString(*e.End)
				end = &s
			}
			if e.PlacementID != "" {
				id = e.PlacementID
			}
			b.Queue(`INSERT INTO ts_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision)
				VALUES ($1, $2, $3, $4, $5::date, $6::date, $7)
				ON CONFLICT (placement_id) DO UPDATE SET worker_id = excluded.worker_id, client_id = excluded.client_id,
					intermediary_id = excluded.intermediary_id, start_date = excluded.start_date,
					end_date = excluded.end_date, revision = excluded.revision
				WHERE ts_placements.revision < excluded.revision`,
				id, e.WorkerID, e.ClientID, e.IntermediaryID, dateString(e.Start), end, int64(rec.Revision))
		case *placement.Ended:
			if e.PlacementID != "" {
				id = e.PlacementID
			}
			b.Queue(`UPDATE ts_placements SET end_date = $2::date, revision = $3 WHERE placement_id = $1 AND revision < $3`,
				id, dateString(e.End), int64(rec.Revision))
		case *placement.Corrected:
			if e.PlacementID != "" {
				id = e.PlacementID
			}
			b.Queue(`UPDATE ts_placements SET start_date = $2::date, revision = $3 WHERE placement_id = $1 AND revision < $3`,
				id, dateString(e.Start), int64(rec.Revision))
		}
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("timesheets: unable to write placements: %w", err)
	}
	return nil
}
