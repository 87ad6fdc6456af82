package timesheets

import (
	"context"
	"fmt"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
)

// AsOf is a moment in the ledger's history (asof.Moment).
type AsOf = asof.Moment

// ParseAsOf reads the as_of parameter (asof.Parse).
func ParseAsOf(s string) (AsOf, error) { return asof.Parse(s) }

// replay folds a stream's events as of a (asof.Stream).
func (h *History) replay(ctx context.Context, stream string, a AsOf, each func(eventstore.RecordedEvent) error) (eventstore.RecordedEvent, int, error) {
	return asof.Stream(ctx, h.store, stream, a, each)
}

// DetailAsOf answers the timesheet detail from a replay of the event store
// up to a, not from the read model: the placement (for the scope check and
// the period) and the timesheet are folded from their streams as they were
// then. Fillable and late are judged at that moment: a's time, or for a
// position the recording time of the timesheet's last event in it (now when
// it has none).
func (h *History) DetailAsOf(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek, a AsOf, now time.Time) (Detail, error) {
	if !week.Valid() {
		return Detail{}, domain.Invalid("week_invalid", "week", "not an ISO week", "Geen geldige week.")
	}
	pl := &placement.Placement{}
	if _, _, err := h.replay(ctx, placement.Stream(placementID), a, func(rec eventstore.RecordedEvent) error {
		ev, err := placement.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("timesheets: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		return pl.Apply(ev)
	}); err != nil {
		return Detail{}, err
	}
	if !pl.Exists() || !account.CanSeePlacement(actor, pl.Ref()) {
		return Detail{}, domain.ErrNotFound
	}
	per := pl.Period()
	p := placementRow{ref: pl.Ref(), period: ts.Period{Start: ts.DateOf(per.Start.UTC())}}
	if !per.End.IsZero() {
		p.period.End = ts.DateOf(per.End.UTC())
	}
	s := &sheet{stream: ts.StreamName(placementID, week), revision: -1, oldRevision: -1}
	last, n, err := h.replay(ctx, s.stream, a, func(rec eventstore.RecordedEvent) error {
		ev, err := ts.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("timesheets: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		return s.apply(ev, rec)
	})
	if err != nil {
		return Detail{}, err
	}
	if at, ok := a.Time(); ok {
		now = at
	} else if n > 0 {
		now = last.Created
	}
	if n == 0 {
		if !p.period.Overlaps(week) {
			return Detail{}, domain.ErrNotFound
		}
		return emptyDetail(placementID, week, p, now), nil
	}
	return detailOf(s, int64(last.Revision), actor, p, week, now), nil
}

// OfAsOf is Of as of a: the history up to that moment.
func (h *History) OfAsOf(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek, a AsOf) ([]HistoryEvent, error) {
	evs, err := h.Of(ctx, actor, placementID, week)
	if err != nil || a.IsZero() {
		return evs, err
	}
	out := []HistoryEvent{}
	for _, e := range evs {
		rec := eventstore.RecordedEvent{Created: e.RecordedAt}
		if _, ok := a.Position(); ok {
			p, err := eventstore.ParsePosition(e.Position)
			if err != nil {
				return nil, err
			}
			rec.Position = p
		}
		if !a.Admits(rec) {
			break
		}
		out = append(out, e)
	}
	return out, nil
}
