package missingweeks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	ts "backoffice/domain/timesheet"
)

// PastWeeks is how far back the first roll-over starts the window: the
// overview's longest list (26 weeks, notify/missing.MaxWeeks) before the
// current week. Later roll-overs only move the end; the start stays.
const PastWeeks = 26

// AheadWeeks is how far past the current week the window reaches, so the
// week that ends on Sunday night is already in it on Monday morning, with
// no roll-over needed at midnight.
const AheadWeeks = 1

// Window is the range of weeks (their Mondays, inclusive) the read model
// answers for. Zero before the first roll-over.
type Window struct{ First, Last ts.Date }

// Covers reports whether every week is inside the window.
func (w Window) Covers(weeks []ts.ISOWeek) bool {
	if w.First.IsZero() {
		return false
	}
	for _, wk := range weeks {
		s := wk.Start()
		if s.Before(w.First) || w.Last.Before(s) {
			return false
		}
	}
	return true
}

// Querier is a pgx.Tx, *pgxpool.Pool or *pgx.Conn.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// ReadWindow returns the window.
func ReadWindow(ctx context.Context, q Querier) (Window, error) {
	var first, last *time.Time
	rows, err := q.Query(ctx, `SELECT first_week, last_week FROM missing_window`)
	if err == nil {
		_, err = pgx.ForEachRow(rows, []any{&first, &last}, func() error { return nil })
	}
	if err != nil {
		return Window{}, fmt.Errorf("missingweeks: unable to read the window: %w", err)
	}
	if first == nil || last == nil {
		return Window{}, nil
	}
	return Window{First: ts.DateOf(*first), Last: ts.DateOf(*last)}, nil
}

// Target is the window a roll-over at now aims for: from PastWeeks before
// the current week (Europe/Amsterdam) to AheadWeeks after it.
func Target(now time.Time) Window {
	cur := ts.WeekOf(ts.DateOf(now.In(ts.Location()))).Start()
	return Window{First: cur.AddDays(-7 * PastWeeks), Last: cur.AddDays(7 * AheadWeeks)}
}

// Advance is the roll-over: it extends the window to Target(now) and
// derives the rows of the weeks it adds, for every placement. It never
// shrinks the window. Safe to run from several processes at once and as
// often as liked (the window row is locked; a second run finds it done).
// Returns whether it changed anything.
func Advance(ctx context.Context, pool *pgxpool.Pool, now time.Time) (bool, error) {
	target := Target(now)
	changed := false
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var first, last *time.Time
		if err := tx.QueryRow(ctx, `SELECT first_week, last_week FROM missing_window FOR UPDATE`).Scan(&first, &last); err != nil {
			return err
		}
		from := target.First
		newFirst := target.First
		if first != nil && last != nil {
			if !ts.DateOf(*last).Before(target.Last) {
				return nil // current
			}
			newFirst = ts.DateOf(*first)
			from = ts.DateOf(*last).AddDays(7)
		}
		// All placements, the added weeks only.
		if _, err := tx.Exec(ctx, `
			WITH t AS (SELECT placement_id AS pid, date '-infinity' AS f, date 'infinity' AS t FROM mw_placements)`+
			deriveSQL("$1", "$2"), from.String(), target.Last.String()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE missing_window SET first_week = $1::date, last_week = $2::date`,
			newFirst.String(), target.Last.String()); err != nil {
			return err
		}
		changed = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("missingweeks: unable to roll the window forward: %w", err)
	}
	return changed, nil
}

// RollOverEvery is how often the background roll-over looks at the clock.
const RollOverEvery = 10 * time.Minute

// RollOver returns the background loop that calls Advance at start and
// every RollOverEvery: a new week enters the window a week before it ends,
// so a missed run or two cost nothing (and until the window covers a week,
// notify/missing answers it by scanning the placements).
func RollOver(pool *pgxpool.Pool, clock func() time.Time, log *slog.Logger) func(context.Context) error {
	if clock == nil {
		clock = time.Now
	}
	return func(ctx context.Context) error {
		t := time.NewTicker(RollOverEvery)
		defer t.Stop()
		for {
			if changed, err := Advance(ctx, pool, clock()); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("missing-weeks roll-over failed", "err", err)
			} else if changed {
				log.Info("missing-weeks window rolled forward", "target", Target(clock()).Last.String())
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}
