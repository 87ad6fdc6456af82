package timesheets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// AsOf is a moment in the ledger's history: a global position (the events
// at or before it) or a time (the events recorded at or before it). The zero
// value means now.
type AsOf struct {
	pos *eventstore.Position
	at  *time.Time
}

// ParseAsOf reads the as_of parameter: a position as COMMIT-PREPARE or an
// RFC 3339 time. Empty is the zero AsOf; anything else unreadable is 400
// as_of_invalid, never ignored.
func ParseAsOf(s string) (AsOf, error) {
	if s == "" {
		return AsOf{}, nil
	}
	if strings.ContainsAny(s, "T:") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err == nil {
			return AsOf{at: &t}, nil
		}
	} else if p, err := eventstore.ParsePosition(s); err == nil {
		return AsOf{pos: &p}, nil
	}
	return AsOf{}, domain.Invalid("as_of_invalid", "as_of",
		"as_of must be a position (COMMIT-PREPARE, e.g. 752-3) or an RFC 3339 time (e.g. 2026-02-03T09:00:00+01:00)",
		"as_of moet een positie (COMMIT-PREPARE, bijvoorbeeld 752-3) of een RFC 3339-tijd (bijvoorbeeld 2026-02-03T09:00:00+01:00) zijn.")
}

// IsZero reports whether a means now.
func (a AsOf) IsZero() bool { return a.pos == nil && a.at == nil }

// admits reports whether e belongs to the ledger as of a.
func (a AsOf) admits(e eventstore.RecordedEvent) bool {
	switch {
	case a.pos != nil:
		return !e.Position.After(*a.pos)
	case a.at != nil:
		return !e.Created.After(*a.at)
	}
	return true
}

// replay folds a stream's events as of a (a prefix of the stream: the
// first event outside a ends it) and returns how many it folded.
func (h *History) replay(ctx context.Context, stream string, a AsOf, each func(eventstore.RecordedEvent) error) (last eventstore.RecordedEvent, n int, err error) {
	errStop := errors.New("stop")
	err = h.readAll(ctx, stream, func(rec eventstore.RecordedEvent) error {
		if !a.admits(rec) {
			return errStop
		}
		last, n = rec, n+1
		return each(rec)
	})
	if err == errStop {
		err = nil
	}
	return last, n, err
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
	switch {
	case a.at != nil:
		now = *a.at
	case n > 0:
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
		if a.pos != nil {
			p, err := eventstore.ParsePosition(e.Position)
			if err != nil {
				return nil, err
			}
			rec.Position = p
		}
		if !a.admits(rec) {
			break
		}
		out = append(out, e)
	}
	return out, nil
}
