package identity

import (
	"context"
	"fmt"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
)

// PlacementAsOf answers the placement as it was at moment m, replayed from
// the event store (not the read model): its dates, function, end and end
// reason, and the scope check, as they were then; before the placement was
// started it is not found. The names are today's: client and intermediary
// names are fixed at registration, and the worker's name is personal data
// that may have been erased since (docs/audit.md §6). Status is judged on
// the moment's date: the time given, or for a position the recording time
// of the placement's last event in it.
func (q *Queries) PlacementAsOf(ctx context.Context, a domain.Actor, r asof.StreamReader, id string, m asof.Moment) (Placement, error) {
	if m.IsZero() {
		return q.Placement(ctx, a, id)
	}
	pl := &placement.Placement{}
	reason := ""
	last, n, err := asof.Stream(ctx, r, placement.Stream(id), m, func(rec eventstore.RecordedEvent) error {
		ev, err := placement.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("readmodel/identity: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		if e, ok := ev.(*placement.Ended); ok {
			reason = e.Reason
		}
		return pl.Apply(ev)
	})
	if err != nil {
		return Placement{}, err
	}
	if n == 0 || !pl.Exists() || !account.CanSeePlacement(a, pl.Ref()) {
		return Placement{}, domain.ErrNotFound
	}
	p := Placement{ID: pl.ID(), WorkerID: pl.WorkerID(), ClientID: pl.ClientID(), IntermediaryID: pl.IntermediaryID(),
		Function: pl.Function(), Start: pl.Period().Start.UTC().Format(time.DateOnly), Status: StatusActive, EndReason: reason}
	on := last.Created
	if at, ok := m.Time(); ok {
		on = at
	}
	y, mo, d := on.In(amsterdam).Date()
	today := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	if end := pl.Period().End; !end.IsZero() {
		s := end.UTC().Format(time.DateOnly)
		p.End = &s
		if end.UTC().Before(today) {
			p.Status = StatusEnded
		}
	}
	err = q.pool.QueryRow(ctx, `SELECT coalesce((SELECT full_name FROM workers WHERE worker_id = $1), ''),
		coalesce((SELECT name FROM clients WHERE client_id = $2), ''),
		coalesce((SELECT name FROM intermediaries WHERE intermediary_id = $3), '')`,
		p.WorkerID, p.ClientID, p.IntermediaryID).Scan(&p.WorkerName, &p.ClientName, &p.IntermediaryName)
	if err != nil {
		return Placement{}, fmt.Errorf("readmodel/identity: unable to read the placement's names: %w", err)
	}
	return p, nil
}
