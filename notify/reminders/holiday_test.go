package reminders_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain/timesheet"
)

// TestEasterMondayMovesTheMondayReminder: on Tweede Paasdag 2026 (6 April)
// nothing goes out; on Tuesday 09:00 the Monday reminder and the Tuesday
// reminder both do.
func TestEasterMondayMovesTheMondayReminder(t *testing.T) {
	ams := timesheet.Location()
	e := newEnv(t, time.Date(2026, 4, 6, 9, 30, 0, 0, ams))
	rt := e.process(t)
	ctx := context.Background()
	byKind := func() map[string]int {
		out := map[string]int{}
		rows, _ := rt.pool.Query(ctx, `SELECT kind, count(*) FROM notify_reminders GROUP BY kind`) // its error comes back from rows
		var k string
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&k, &n}, func() error { out[k] = n; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if n, err := rt.runner.Tick(ctx); err != nil || n != 0 {
		t.Fatalf("Easter Monday 09:30: %d reminders, %v", n, err)
	}
	e.clock.Set(time.Date(2026, 4, 7, 9, 0, 0, 0, ams))
	if _, err := rt.runner.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// 2026-W14 has no timesheets: p1, p2 (workers enter), p3, p4, p6 (c2 enters).
	got := byKind()
	if got["reminder_entry"] != 3 || got["reminder_missing"] != 4 || len(got) != 2 {
		t.Errorf("reminders by kind %v, want entry 3 (acc-w1, acc-w2, acc-c2) and missing 4", got)
	}
}
