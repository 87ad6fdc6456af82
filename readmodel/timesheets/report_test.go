package timesheets_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/timesheets"
)

var (
	htNormal   = ts.HourType{Code: "100", Name: "Normaal", Percentage: 100}
	htOver125  = ts.HourType{Code: "125", Name: "Overwerk 125%", Percentage: 125}
	htOver150  = ts.HourType{Code: "150", Name: "Overwerk 150%", Percentage: 150}
	htVacation = ts.HourType{Code: "VAK", Name: "Vakantie", Percentage: 100, Absence: true}
)

// reportFixture records timesheets of four placements (names in the
// identity tables, inserted by reportNames):
//
//	p1 w1 Piet de Vries @ c1 (i1): W02 approved, W03 imported, W04 offered, W05 open
//	p2 w2 Anna Bakker   @ c1 (i1): W03 approved (with absence), W04 rejected, W10 approved
//	p3 w2 Anna Bakker   @ c2 (i1): W02 approved
//	p4 w3 Karel Appel   @ c3 (i2): W02 approved
func reportFixture(t *testing.T) []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	sheet := func(placement, worker, client, inter string, week int, events ...domain.Event) {
		w := ts.ISOWeek{Year: 2026, Week: week}
		stream := ts.StreamName(placement, w)
		opened := &ts.Opened{PlacementID: placement, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
			NormalHourType: htNormal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
			ClientID: client, IntermediaryID: inter, WorkerID: worker}
		for i, e := range append([]domain.Event{opened}, events...) {
			out = append(out, rec(t, stream, uint64(i), e, "worker"))
		}
	}
	line := func(ht ts.HourType, minutes ...ts.Minutes) *ts.LineSet {
		l := ts.Line{HourType: ht}
		copy(l.Minutes[:], minutes)
		return &ts.LineSet{Line: l} // the read model takes day totals only from events; not checked here
	}
	offer := &ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient}
	approve := []domain.Event{offer,
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
		&ts.Approved{Round: 1, Hash: "h"}}
	with := func(evs []domain.Event, more ...domain.Event) []domain.Event {
		return append(slices.Clone(more), evs...)
	}
	w2 := ts.ISOWeek{Year: 2026, Week: 2}
	w3 := ts.ISOWeek{Year: 2026, Week: 3}

	sheet("p1", "w1", "c1", "i1", 2, with(approve, line(htNormal, 480, 480), line(htOver125, 0, 0, 120),
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseParking, Date: w2.Start(), AmountCents: 1250}},
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 2, Type: ts.ExpenseTravelKm, Date: w2.Start(), Kilometres: 30}},
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 3, Type: ts.ExpenseOther, Date: w2.Start(), AmountCents: 999, Description: "weg"}},
		&ts.ExpenseRemoved{ExpenseID: 3})...)
	// Time registration gives a line of code 100; an entered line of the
	// same code adds to it in the report.
	worked := ts.Worked{EntryID: 1, Date: w3.Start(), Start: now, End: now.Add(8 * time.Hour), Elapsed: 480, Minutes: 450}
	sheet("p1", "w1", "c1", "i1", 3, append(with(approve,
		&ts.TimeEntryAdded{Entry: ts.Entry{ID: 1, Date: w3.Start(), Start: 8 * 60, End: 16 * 60, Break: 30},
			TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked}, NormalLine: ts.Line{HourType: htNormal, Minutes: [7]ts.Minutes{450}, FromTimeRegistration: true}}},
		line(htNormal, 0, 30), line(htOver150, 0, 0, 60)), &ts.Imported{Hash: "h", ImportBatch: "b1"})...)
	sheet("p1", "w1", "c1", "i1", 4, line(htNormal, 999), offer)
	sheet("p1", "w1", "c1", "i1", 5, line(htNormal, 999))
	sheet("p2", "w2", "c1", "i1", 3, with(approve, line(htNormal, 480), line(htVacation, 0, 480))...)
	sheet("p2", "w2", "c1", "i1", 4, line(htNormal, 999), offer,
		&ts.Rejected{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Reason: "nee", ReturnedTo: domain.RoleWorker, Hash: "h"})
	sheet("p2", "w2", "c1", "i1", 10, with(approve, line(htNormal, 60))...)
	sheet("p3", "w2", "c2", "i1", 2, with(approve, line(htNormal, 240),
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseOther, Date: w2.Start(), AmountCents: 500, Description: "lunch"}})...)
	sheet("p4", "w3", "c3", "i2", 2, with(approve, line(htNormal, 300))...)
	return out
}

// reportNames fills the identity tables the report takes names from.
func reportNames(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	for _, c := range [][3]string{{"c1", "i1", "Bakkerij Jansen"}, {"c2", "i1", "Garage Smit"}, {"c3", "i2", "Kwekerij Groen"}} {
		if _, err := pool.Exec(ctx, `INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at)
			VALUES ($1, $2, $3, '12345678', '{}', 'Contact', 'contact@example.test', now())`, c[0], c[1], c[2]); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range [][5]string{{"w1", "c1", "Piet", "de", "Vries"}, {"w2", "c1", "Anna", "", "Bakker"}, {"w3", "c3", "Karel", "", "Appel"}} {
		full := strings.Join(strings.Fields(w[2]+" "+w[3]+" "+w[4]), " ")
		if _, err := pool.Exec(ctx, `INSERT INTO workers (worker_id, client_id, first_name, infix, last_name, full_name, email, function, registered_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'w@example.test', 'bakker', now())`, w[0], w[1], w[2], w[3], w[4], full); err != nil {
			t.Fatal(err)
		}
	}
}

// rowKey names a report row by placement and week number ("p1/2").
func rowKey(r rm.ReportRow) string {
	w, _ := ts.ParseISOWeek(r.Week)
	return fmt.Sprintf("%s/%d", r.PlacementID, w.Week)
}

func wk(n int) ts.ISOWeek { return ts.ISOWeek{Year: 2026, Week: n} }

// TestHoursReport: only approved and imported timesheets of the range in
// the actor's scope, ordered by worker (last name) then week, with minutes
// per hour type, the hour types as columns and the totals; the same after
// a rebuild and after the migration's backfill of existing rows.
func TestHoursReport(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	reportNames(t, pool)
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	events := reportFixture(t)
	if err := apply(t, pool, rm.NewTimesheets(), events...); err != nil {
		t.Fatal(err)
	}
	bo := domain.Actor{Role: domain.RoleBackoffice}

	wantBackoffice := rm.HoursReport{
		From: "2026-W01", To: "2026-W05",
		HourTypes: []rm.ReportHourType{
			{Code: "100", Name: "Normaal", Percentage: 100},
			{Code: "125", Name: "Overwerk 125%", Percentage: 125},
			{Code: "150", Name: "Overwerk 150%", Percentage: 150},
			{Code: "VAK", Name: "Vakantie", Percentage: 100, Absence: true}, // absence after worked hours
		},
		Rows: []rm.ReportRow{
			{PlacementID: "p4", Week: "2026-W02", WeekStart: "2026-01-05", WorkerID: "w3", WorkerName: "Karel Appel",
				ClientID: "c3", ClientName: "Kwekerij Groen", Status: "approved", Minutes: map[string]int{"100": 300}, TotalMinutes: 300},
			{PlacementID: "p3", Week: "2026-W02", WeekStart: "2026-01-05", WorkerID: "w2", WorkerName: "Anna Bakker",
				ClientID: "c2", ClientName: "Garage Smit", Status: "approved", Minutes: map[string]int{"100": 240}, TotalMinutes: 240,
				ExpensesCents: 500},
			{PlacementID: "p2", Week: "2026-W03", WeekStart: "2026-01-12", WorkerID: "w2", WorkerName: "Anna Bakker",
				ClientID: "c1", ClientName: "Bakkerij Jansen", Status: "approved", Minutes: map[string]int{"100": 480, "VAK": 480}, TotalMinutes: 960},
			{PlacementID: "p1", Week: "2026-W02", WeekStart: "2026-01-05", WorkerID: "w1", WorkerName: "Piet de Vries",
				ClientID: "c1", ClientName: "Bakkerij Jansen", Status: "approved", Minutes: map[string]int{"100": 960, "125": 120}, TotalMinutes: 1080,
				ExpensesCents: 1250, ExpenseKm: 30},
			{PlacementID: "p1", Week: "2026-W03", WeekStart: "2026-01-12", WorkerID: "w1", WorkerName: "Piet de Vries",
				ClientID: "c1", ClientName: "Bakkerij Jansen", Status: "imported", Minutes: map[string]int{"100": 480, "150": 60}, TotalMinutes: 540},
		},
		Totals:       map[string]int{"100": 2460, "125": 120, "150": 60, "VAK": 480},
		TotalMinutes: 3120, ExpensesCents: 1750, ExpenseKm: 30,
	}

	check := func(t *testing.T) {
		t.Helper()
		got, err := q.HoursReport(ctx, bo, wk(1), wk(5))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wantBackoffice) {
			t.Errorf("back-office report\n got %+v\nwant %+v", got, wantBackoffice)
		}
	}
	t.Run("projected", check)

	// Scope: every actor sees exactly the rows of their tenant.
	t.Run("scope", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			actor domain.Actor
			want  []string
		}{
			{"backoffice", bo, []string{"p4/2", "p3/2", "p2/3", "p1/2", "p1/3"}},
			{"auditor", domain.Actor{Role: domain.RoleAuditor}, []string{"p4/2", "p3/2", "p2/3", "p1/2", "p1/3"}},
			{"payroll", domain.Actor{Role: domain.RolePayroll}, []string{"p4/2", "p3/2", "p2/3", "p1/2", "p1/3"}},
			{"client c1", domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, []string{"p2/3", "p1/2", "p1/3"}},
			{"client c2", domain.Actor{Role: domain.RoleClient, ClientID: "c2"}, []string{"p3/2"}},
			{"client c9", domain.Actor{Role: domain.RoleClient, ClientID: "c9"}, nil},
			{"client without id", domain.Actor{Role: domain.RoleClient}, nil},
			{"intermediary i1", domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i1"}, []string{"p3/2", "p2/3", "p1/2", "p1/3"}},
			{"intermediary i2", domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i2"}, []string{"p4/2"}},
			{"worker w1", domain.Actor{Role: domain.RoleWorker, WorkerID: "w1"}, []string{"p1/2", "p1/3"}},
			{"worker w2", domain.Actor{Role: domain.RoleWorker, WorkerID: "w2"}, []string{"p3/2", "p2/3"}},
			{"worker w2 with another client id", domain.Actor{Role: domain.RoleWorker, WorkerID: "w2", ClientID: "c3"}, []string{"p3/2", "p2/3"}},
			{"unknown role", domain.Actor{Role: "guest", ClientID: "c1", WorkerID: "w1"}, nil},
		} {
			got, err := q.HoursReport(ctx, tc.actor, wk(1), wk(5))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var keys []string
			total := 0
			for _, r := range got.Rows {
				keys = append(keys, rowKey(r))
				total += r.TotalMinutes
			}
			if !slices.Equal(keys, tc.want) {
				t.Errorf("%s: rows %v, want %v", tc.name, keys, tc.want)
			}
			if got.TotalMinutes != total {
				t.Errorf("%s: total %d, rows add up to %d", tc.name, got.TotalMinutes, total)
			}
			if len(tc.want) == 0 && (len(got.HourTypes) != 0 || len(got.Totals) != 0 || got.Rows == nil) {
				t.Errorf("%s: empty report = %+v", tc.name, got)
			}
		}
		// A client sees only the hour types of their own rows as columns.
		c2, _ := q.HoursReport(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c2"}, wk(1), wk(5))
		if len(c2.HourTypes) != 1 || c2.HourTypes[0].Code != "100" || c2.Totals["100"] != 240 || c2.ExpensesCents != 500 {
			t.Errorf("client c2 report = %+v", c2)
		}
	})

	t.Run("range", func(t *testing.T) {
		for _, tc := range []struct {
			from, to ts.ISOWeek
			want     []string
		}{
			{wk(3), wk(3), []string{"p2/3", "p1/3"}},
			{wk(2), wk(2), []string{"p4/2", "p3/2", "p1/2"}},
			{wk(4), wk(9), nil}, // offered, open and rejected do not count
			{wk(6), wk(10), []string{"p2/10"}},
			{ts.ISOWeek{Year: 2025, Week: 50}, wk(2), []string{"p4/2", "p3/2", "p1/2"}}, // across the year
		} {
			got, err := q.HoursReport(ctx, bo, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range got.Rows {
				keys = append(keys, rowKey(r))
			}
			if !slices.Equal(keys, tc.want) || got.From != tc.from.String() || got.To != tc.to.String() {
				t.Errorf("%s..%s: rows %v (%s..%s), want %v", tc.from, tc.to, keys, got.From, got.To, tc.want)
			}
		}
	})

	t.Run("bad range", func(t *testing.T) {
		for _, tc := range []struct {
			from, to ts.ISOWeek
			code     string
			field    string
		}{
			{ts.ISOWeek{}, wk(1), "week_invalid", "from"},
			{wk(1), ts.ISOWeek{}, "week_invalid", "to"},
			{ts.ISOWeek{Year: 2025, Week: 53}, wk(1), "week_invalid", "from"}, // 2025 has 52 weeks
			{wk(54), wk(1), "week_invalid", "from"},
			{wk(5), wk(4), "range_reversed", "to"},
			{wk(1), ts.ISOWeek{Year: 2027, Week: 1}, "range_too_long", "to"},   // 54 weeks: 2026 has 53
			{ts.ISOWeek{Year: 2025, Week: 49}, wk(50), "range_too_long", "to"}, // 4 + 50 weeks
			{ts.ISOWeek{Year: 2000, Week: 1}, ts.ISOWeek{Year: 2030, Week: 1}, "range_too_long", "to"},
		} {
			_, err := q.HoursReport(ctx, bo, tc.from, tc.to)
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Code != tc.code || de.Field != tc.field || de.MessageNL == "" {
				t.Errorf("%v..%v: err %v, want %s on %s", tc.from, tc.to, err, tc.code, tc.field)
			}
		}
		// The longest ranges allowed: 53 weeks inclusive.
		for _, r := range [][2]ts.ISOWeek{{wk(1), wk(53)}, {ts.ISOWeek{Year: 2025, Week: 50}, wk(50)}} {
			if _, err := q.HoursReport(ctx, bo, r[0], r[1]); err != nil {
				t.Errorf("%v..%v: %v", r[0], r[1], err)
			}
		}
	})

	// A rebuild from position 0 fills the report columns again.
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return rm.NewTimesheets().Reset(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if err := apply(t, pool, rm.NewTimesheets(), events...); err != nil {
		t.Fatal(err)
	}
	t.Run("rebuilt", check)

	// The migration fills the columns of rows projected before it from the
	// stored document: the same report.
	t.Run("backfilled", func(t *testing.T) {
		src, err := os.ReadFile("migrations/0310_hours_report.sql")
		if err != nil {
			t.Fatal(err)
		}
		up, _, _ := strings.Cut(string(src), "-- +goose Down")
		i := strings.Index(up, "UPDATE ts_timesheets")
		if i < 0 {
			t.Fatal("no backfill in the migration")
		}
		if _, err := pool.Exec(ctx, `UPDATE ts_timesheets SET hour_totals = '[]', expenses_cents = 0, expense_km = 0`); err != nil {
			t.Fatal(err)
		}
		if got, _ := q.HoursReport(ctx, bo, wk(1), wk(5)); got.TotalMinutes != 0 {
			t.Fatalf("columns not cleared: %+v", got)
		}
		// The backfill ran on the detail document (doc, jsonb), which 0312
		// moved into columns: back to that shape, backfill, 0312 again.
		narrow, cols := narrowUp(t)
		toLegacy(t, pool, cols)
		if _, err := pool.Exec(ctx, up[i:]); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, narrow); err != nil {
			t.Fatal(err)
		}
		check(t)
	})
}

// TestHoursReportPlan: on a bureau-sized table (60,000 timesheets: 50
// clients of 10 intermediaries, 1,000 workers, 60 weeks) the range query of
// each scope is served by that scope's (tenant, week_start) index.
// Sequential scans are switched off so the choice among indexes is what is
// checked, not whether a scan of the small test table is cheaper (see
// docs/timesheets.md, Hours report).
func TestHoursReportPlan(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id,
		client_id, intermediary_id, status, total_minutes, entry_deadline, approval_deadline, offered_late, approved_late,
		revision, updated_at)
		SELECT 'timesheet-p' || w || '-' || n, 'p' || w, 2025 + n / 52, 1 + n % 52, date '2025-01-06' + 7 * n, 'w' || w,
			'c' || (w % 50), 'i' || (w % 10), CASE WHEN n < 55 THEN 'approved' ELSE 'open' END, 480, now(), now(), false, false,
			1, now()
		FROM generate_series(0, 999) w, generate_series(0, 59) n`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE ts_timesheets`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cond, index string
	}{
		{"client_id = 'c1'", "ts_timesheets_client"},
		{"intermediary_id = 'i1'", "ts_timesheets_intermediary"},
		{"worker_id = 'w1'", "ts_timesheets_worker"},
		{"true", "ts_timesheets_all"},
	} {
		var plan []string
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `EXPLAIN SELECT placement_id FROM ts_timesheets WHERE `+tc.cond+`
				AND week_start BETWEEN '2025-03-03' AND '2025-04-28' AND status IN ('approved', 'imported')`)
			if err != nil {
				return err
			}
			plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Join(plan, "\n")
		t.Logf("%s:\n%s", tc.cond, p)
		if !strings.Contains(p, tc.index) || !strings.Contains(p, "week_start") {
			t.Errorf("%s: plan does not use %s on week_start:\n%s", tc.cond, tc.index, p)
		}
	}
}
