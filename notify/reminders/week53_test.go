package reminders_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain/timesheet"
	"backoffice/notify/mail/mailtest"
	"backoffice/readmodel/missingweeks"
)

// TestRemindersOfWeek53: the reminders sent in 2027-W01 concern 2026-W53
// (28 December 2026 – 3 January 2027), with that week's deadlines (Tuesday
// 5 January 2027 00:00), through the missing-weeks read model after its
// roll-over over the turn of the year. No reminder goes out on Monday 28
// December for 2026-W52 twice, and none is lost at the turn: the Monday
// after week 53 is a working day (New Year's Day 2027 is a Friday).
func TestRemindersOfWeek53(t *testing.T) {
	ams := timesheet.Location()
	monday := time.Date(2027, 1, 4, 9, 30, 0, 0, ams)
	e := newEnv(t, monday)
	rt := e.process(t)
	ctx := context.Background()
	if _, err := missingweeks.Advance(ctx, rt.pool, monday); err != nil {
		t.Fatal(err)
	}
	var isoYear, isoWeek int
	if err := rt.pool.QueryRow(ctx, `SELECT iso_year, iso_week FROM missing_weeks WHERE week_start = '2026-12-28' LIMIT 1`).Scan(&isoYear, &isoWeek); err != nil || isoYear != 2026 || isoWeek != 53 {
		t.Fatalf("missing_weeks row of Monday 28 December 2026: %d-W%d (%v), want 2026-W53", isoYear, isoWeek, err)
	}
	if err := rt.step(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := rt.pool.Query(ctx, `SELECT DISTINCT kind || ' ' || week FROM notify_reminders ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	weeks, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(weeks, []string{"reminder_entry 2027-W01"}) {
		t.Fatalf("reminders on Monday 4 January 2027: %v, want the entry reminder sent in 2027-W01", weeks)
	}
	msgs := e.srv.Messages()
	i := slices.IndexFunc(msgs, func(m mailtest.Received) bool { return m.To[0] == "piet@w.example" })
	if i < 0 {
		t.Fatalf("no entry reminder to piet@w.example among %d mails", len(msgs))
	}
	for _, want := range []string{"week 53 van 2026", "https://portal.test/plaatsingen/p1/weken/2026-W53", "5 januari 2027 om 00:00 uur"} {
		if !strings.Contains(msgs[i].Text, want) {
			t.Errorf("entry reminder lacks %q:\n%s", want, msgs[i].Text)
		}
	}

	// Tuesday 09:00 and Wednesday 08:00 of 2027-W01 follow, for 2026-W53.
	for _, at := range []time.Time{time.Date(2027, 1, 5, 9, 0, 0, 0, ams), time.Date(2027, 1, 6, 8, 0, 0, 0, ams)} {
		e.clock.Set(at)
		if err := rt.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var missing int
	if err := rt.pool.QueryRow(ctx, `SELECT count(*) FROM notify_reminders WHERE kind = 'reminder_missing' AND week = '2027-W01'`).Scan(&missing); err != nil || missing == 0 {
		t.Errorf("Tuesday 5 January 2027: %d missing-hours reminders (%v), want some for 2026-W53", missing, err)
	}
	for _, m := range e.srv.Messages() {
		if strings.Contains(m.Text, "week 1 van 2027") || strings.Contains(m.Text, "week 1 of 2027") {
			t.Errorf("a reminder in 2027-W01 names the running week 2027-W01:\n%s", m.Text)
		}
	}
}
