package reminders_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain/timesheet"
)

// TestEasterMondayKeepsTheMondayReminder: on Tweede Paasdag 2026 (6 April)
// the Monday reminder still goes out, at 09:00: moved to Tuesday 09:00 it
// would come after the entry deadline it reminds of (Monday 24:00); the
// Tuesday reminder follows on Tuesday as usual. (Holidays move a reminder
// only when it still comes before its deadline: notify/schedule.)
func TestEasterMondayKeepsTheMondayReminder(t *testing.T) {
	ams := timesheet.Location()
	e := newEnv(t, time.Date(2026, 4, 6, 8, 59, 0, 0, ams))
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
		t.Fatalf("Easter Monday 08:59: %d reminders, %v", n, err)
	}
	e.clock.Set(time.Date(2026, 4, 6, 9, 30, 0, 0, ams))
	if _, err := rt.runner.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// 2026-W14 has no timesheets: p1, p2 (workers enter), p3, p4, p6 (c2 enters).
	if got := byKind(); got["reminder_entry"] != 3 || len(got) != 1 {
		t.Errorf("Easter Monday 09:30: reminders by kind %v, want entry 3 (acc-w1, acc-w2, acc-c2)", got)
	}
	e.clock.Set(time.Date(2026, 4, 7, 9, 0, 0, 0, ams))
	if _, err := rt.runner.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := byKind(); got["reminder_entry"] != 3 || got["reminder_missing"] != 4 || len(got) != 2 {
		t.Errorf("Tuesday 09:00: reminders by kind %v, want entry 3 (not again) and missing 4", got)
	}
}
