// Package asof is a moment in the ledger's history and the replay of a
// stream up to it: what the "?as_of=" queries of timesheets, placements and
// the payroll feed answer from instead of the read models (docs/audit.md §6).
package asof

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/eventstore"
)

// Moment is a position in the global log (the events at or before it) or
// a time (the events recorded at or before it). The zero value means now.
type Moment struct {
	pos *eventstore.Position
	at  *time.Time
}

// Parse reads the as_of parameter: a position as COMMIT-PREPARE or an RFC
// 3339 time. Empty is the zero Moment; anything else unreadable is 400
// as_of_invalid, never ignored.
func Parse(s string) (Moment, error) {
	if s == "" {
		return Moment{}, nil
	}
	if strings.ContainsAny(s, "T:") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err == nil {
			return Moment{at: &t}, nil
		}
	} else if p, err := eventstore.ParsePosition(s); err == nil {
		return Moment{pos: &p}, nil
	}
	return Moment{}, domain.Invalid("as_of_invalid", "as_of",
		"as_of must be a position (COMMIT-PREPARE, e.g. 752-3) or an RFC 3339 time (e.g. 2026-02-03T09:00:00+01:00)",
		"as_of moet een positie (COMMIT-PREPARE, bijvoorbeeld 752-3) of een RFC 3339-tijd (bijvoorbeeld 2026-02-03T09:00:00+01:00) zijn.")
}

// AtPosition is the moment right after the event at p.
func AtPosition(p eventstore.Position) Moment { return Moment{pos: &p} }

// IsZero reports whether m means now.
func (m Moment) IsZero() bool { return m.pos == nil && m.at == nil }

// Time is the moment's time, when it was given as one.
func (m Moment) Time() (time.Time, bool) {
	if m.at == nil {
		return time.Time{}, false
	}
	return *m.at, true
}

// Position is the moment's position, when it was given as one.
func (m Moment) Position() (eventstore.Position, bool) {
	if m.pos == nil {
		return eventstore.Position{}, false
	}
	return *m.pos, true
}

// Admits reports whether e belongs to the ledger as of m.
func (m Moment) Admits(e eventstore.RecordedEvent) bool {
	switch {
	case m.pos != nil:
		return !e.Position.After(*m.pos)
	case m.at != nil:
		return !e.Created.After(*m.at)
	}
	return true
}

// StreamReader is the part of the event store a stream replay needs.
type StreamReader interface {
	ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error)
}

const page = 500

// Stream folds a stream's events as of m: a prefix of the stream (the
// first event outside m ends it, so a stream is never replayed with a
// hole). It returns the last event folded and how many; a stream that does
// not exist folds nothing. Each event's hash chain is checked before it is
// folded, as commands.Load does: a history or replay of a tampered stream
// is refused with an error wrapping eventstore.ErrIntegrity (500
// ledger_integrity), never shown as if it were what was recorded.
func Stream(ctx context.Context, r StreamReader, stream string, m Moment, each func(eventstore.RecordedEvent) error) (last eventstore.RecordedEvent, n int, err error) {
	var from uint64
	var chain eventstore.ChainVerifier
	for {
		evs, err := r.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: from, Max: page})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return last, n, nil
		}
		if err != nil {
			return last, n, fmt.Errorf("asof: unable to read %s: %w", stream, err)
		}
		for _, e := range evs {
			if !m.Admits(e) {
				return last, n, nil
			}
			if err := chain.Check(e); err != nil {
				return last, n, fmt.Errorf("asof: %w", err)
			}
			if err := each(e); err != nil {
				return last, n, err
			}
			last, n, from = e, n+1, e.Revision+1
		}
		if len(evs) < page {
			return last, n, nil
		}
	}
}
