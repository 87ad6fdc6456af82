package timesheets

import (
	"context"
	"errors"
	"fmt"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
)

// History reads a timesheet's events from the event store itself (not a
// read model), so users and auditors see exactly what is stored.
type History struct {
	store eventstore.Store
}

// NewHistory returns the history reader.
func NewHistory(store eventstore.Store) (*History, error) {
	if store == nil {
		return nil, errors.New("timesheets: NewHistory: nil store")
	}
	return &History{store: store}, nil
}

func (h *History) readAll(ctx context.Context, stream string, each func(eventstore.RecordedEvent) error) error {
	_, _, err := asof.Stream(ctx, h.store, stream, asof.Moment{}, each)
	return err
}

// Of returns the events of a placement's timesheet for a week, oldest
// first, with actor and time. The placement is loaded from the event store
// for the scope check: outside the actor's scope it is not found.
func (h *History) Of(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek) ([]HistoryEvent, error) {
	if !week.Valid() {
		return nil, domain.Invalid("week_invalid", "week", "not an ISO week", "Geen geldige week.")
	}
	p := &placement.Placement{}
	err := h.readAll(ctx, placement.Stream(placementID), func(rec eventstore.RecordedEvent) error {
		ev, err := placement.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("timesheets: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		return p.Apply(ev)
	})
	if err != nil {
		return nil, err
	}
	if !p.Exists() || !account.CanSeePlacement(actor, p.Ref()) {
		return nil, domain.ErrNotFound
	}
	out := []HistoryEvent{}
	// The sheet is folded along to tell what each event changed.
	s := &sheet{stream: ts.StreamName(placementID, week), revision: -1, oldRevision: -1}
	err = h.readAll(ctx, s.stream, func(rec eventstore.RecordedEvent) error {
		data := rec.Data
		if len(data) == 0 {
			data = []byte("null")
		}
		before := stateOf(s)
		if ev, err := ts.Events.Decode(rec.Type, rec.Data); err == nil {
			_ = s.apply(ev, rec) // an event the fold refuses changes nothing shown
		}
		out = append(out, HistoryEvent{Revision: rec.Revision, Position: rec.Position.String(), Type: rec.Type,
			OccurredAt: occurred(rec), RecordedAt: rec.Created.UTC(),
			Actor: Actor{Role: rec.Metadata.ActorRole, AccountID: rec.Metadata.ActorID}, Data: data,
			Changes: nonNil(changesBetween(before, stateOf(s), s.WeekStart))})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
