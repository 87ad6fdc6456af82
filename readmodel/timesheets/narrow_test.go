package timesheets_test

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	rm "backoffice/readmodel/timesheets"
)

// narrowUp is the Up part of migration 0312 and the columns it adds.
func narrowUp(t *testing.T) (string, []string) {
	t.Helper()
	src, err := os.ReadFile("migrations/0312_timesheets_narrow.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, ok := strings.Cut(string(src), "-- +goose Down")
	if !ok {
		t.Fatal("no Down section in 0312")
	}
	var cols []string
	for _, m := range regexp.MustCompile(`ADD COLUMN (\w+)`).FindAllStringSubmatch(up, -1) {
		cols = append(cols, m[1])
	}
	if len(cols) < 40 {
		t.Fatalf("0312 adds %d columns?", len(cols))
	}
	return up, cols
}

// toLegacy turns ts_timesheets back into its shape before 0312: the detail
// as a document in doc (jsonb: the shape before 0311 too), without the
// columns 0312 adds.
func toLegacy(t *testing.T, pool *pgxpool.Pool, cols []string) {
	t.Helper()
	ctx := context.Background()
	docs, err := rm.LegacyDocs(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	drop := make([]string, len(cols))
	for i, c := range cols {
		drop[i] = "DROP COLUMN " + c
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE ts_timesheets `+strings.Join(drop, ", ")+`, ADD COLUMN doc jsonb`); err != nil {
		t.Fatal(err)
	}
	for stream, doc := range docs {
		if _, err := pool.Exec(ctx, `UPDATE ts_timesheets SET doc = $2::jsonb WHERE stream = $1`, stream, doc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE ts_timesheets ALTER COLUMN doc SET NOT NULL`); err != nil {
		t.Fatal(err)
	}
}

// rowsAsJSON is every row of ts_timesheets as a jsonb object by stream
// (column order aside).
func rowsAsJSON(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	return tableAsJSON(t, pool, "ts_timesheets")
}

// tableAsJSON is every row of table as a jsonb object by stream.
func tableAsJSON(t *testing.T, pool *pgxpool.Pool, table string) map[string]string {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT stream, to_jsonb(t)::text FROM `+table+` t`) // its error comes back from rows
	out := map[string]string{}
	var stream, row string
	if _, err := pgx.ForEachRow(rows, []any{&stream, &row}, func() error { out[stream] = row; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNarrowMigrationMovesTheDocuments: migration 0312 fills the columns of
// rows projected before it from their stored documents, so no rebuild is
// needed: the rows and the detail screens are the same as the projector's.
func TestNarrowMigrationMovesTheDocuments(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	events := append(reportFixture(t), everyKind(t)...)
	stream := ts.StreamName("p9", ts.ISOWeek{Year: 2026, Week: 20})
	from := time.Date(2026, 5, 11, 8, 0, 0, 0, amsterdam(t))
	if err := apply(t, pool, rm.NewTimesheets(), events...); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO ts_placements (placement_id, worker_id, client_id, intermediary_id, start_date, revision)
		SELECT DISTINCT placement_id, worker_id, client_id, intermediary_id, date '2025-01-01', 0 FROM ts_timesheets`); err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	bo := domain.Actor{Role: domain.RoleBackoffice}
	details := func() map[string]rm.Detail {
		out := map[string]rm.Detail{}
		for _, e := range events {
			if e.Revision != 0 {
				continue
			}
			ev, err := ts.Events.Decode(e.Type, e.Data)
			if err != nil {
				t.Fatal(err)
			}
			o := ev.(*ts.Opened)
			d, err := q.Detail(ctx, bo, o.PlacementID, o.Week)
			if err != nil {
				t.Fatal(err)
			}
			out[e.Stream] = d
		}
		return out
	}
	wantRows, wantDetails := rowsAsJSON(t, pool), details()
	if d := wantDetails[stream]; len(d.Entries) != 2 || !d.Entries[0].WorkedFrom.Equal(from) ||
		!strings.HasSuffix(d.Entries[0].WorkedFrom.Format(time.RFC3339), "+02:00") || len(d.Remarks) != 1 ||
		len(d.Steps) != 2 || !d.Steps[0].Approved || d.NextParty != string(domain.RoleIntermediary) ||
		len(d.Lines) != 2 || len(d.Expenses) != 1 {
		t.Fatalf("fixture detail = %+v", d)
	}

	up, cols := narrowUp(t)
	toLegacy(t, pool, cols)
	if _, err := pool.Exec(ctx, up); err != nil {
		t.Fatal(err)
	}
	gotRows := rowsAsJSON(t, pool)
	for stream, want := range wantRows {
		if gotRows[stream] != want {
			t.Errorf("%s after the migration:\n got %s\nwant %s", stream, gotRows[stream], want)
		}
	}
	if len(gotRows) != len(wantRows) {
		t.Errorf("%d rows after the migration, want %d", len(gotRows), len(wantRows))
	}
	if got := details(); !reflect.DeepEqual(got, wantDetails) {
		t.Errorf("details after the migration differ:\n got %+v\nwant %+v", got, wantDetails)
	}
}

func amsterdam(t *testing.T) *time.Location {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return ams
}

// everyKind are two timesheets (p8, p9) whose events are every kind the
// read model folds the reportFixture lacks (a wiped line, changed and
// removed time entries, a withdrawn offer, a correction after import), a
// worked time in the zone it was computed in, and a remark.
func everyKind(t *testing.T) []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	sheet := func(pid string, w ts.ISOWeek, evs ...domain.Event) {
		stream := ts.StreamName(pid, w)
		opened := &ts.Opened{PlacementID: pid, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
			TimeRegistration: pid == "p9", NormalHourType: htNormal, EntryDeadline: ts.EntryDeadline(w),
			ApprovalDeadline: ts.ApprovalDeadline(w), ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"}
		for i, e := range append([]domain.Event{opened}, evs...) {
			out = append(out, rec(t, stream, uint64(i), e, "worker"))
		}
	}
	w := ts.ISOWeek{Year: 2026, Week: 20}
	from := time.Date(2026, 5, 11, 8, 0, 0, 0, amsterdam(t))
	worked := func(id int, day int, minutes ts.Minutes) ts.Worked {
		start := from.AddDate(0, 0, day)
		return ts.Worked{EntryID: id, Date: w.Start().AddDays(day), Start: start, End: start.Add(time.Duration(minutes+30) * time.Minute),
			Elapsed: minutes + 30, Minutes: minutes}
	}
	entry := func(id, day int, end ts.Clock) ts.Entry {
		return ts.Entry{ID: id, Date: w.Start().AddDays(day), Start: 8 * 60, End: end, Break: 30}
	}
	normal := func(m ...ts.Minutes) ts.Line {
		l := ts.Line{HourType: htNormal, FromTimeRegistration: true}
		copy(l.Minutes[:], m)
		return l
	}
	sheet("p9", w,
		&ts.TimeEntryAdded{Entry: entry(1, 0, 16*60), TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked(1, 0, 450)},
			DayTotals: [7]ts.Minutes{450}, NormalLine: normal(450)}},
		&ts.TimeEntryAdded{Entry: entry(2, 1, 12*60), TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked(1, 0, 450), worked(2, 1, 210)},
			DayTotals: [7]ts.Minutes{450, 210}, NormalLine: normal(450, 210)}},
		&ts.TimeEntryChanged{Entry: entry(2, 1, 13*60), TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked(1, 0, 450), worked(2, 1, 270)},
			DayTotals: [7]ts.Minutes{450, 270}, NormalLine: normal(450, 270)}},
		&ts.TimeEntryAdded{Entry: entry(3, 2, 12*60), TimeEntries: ts.TimeEntries{
			Worked:    []ts.Worked{worked(1, 0, 450), worked(2, 1, 270), worked(3, 2, 210)},
			DayTotals: [7]ts.Minutes{450, 270, 210}, NormalLine: normal(450, 270, 210)}},
		&ts.TimeEntryRemoved{EntryID: 2, TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked(1, 0, 450), worked(3, 2, 210)},
			DayTotals: [7]ts.Minutes{450, 0, 210}, NormalLine: normal(450, 0, 210)}},
		&ts.LineSet{Line: ts.Line{HourType: htOver125, Minutes: [7]ts.Minutes{0, 0, 0, 60}}, DayTotals: [7]ts.Minutes{450, 0, 210, 60}},
		&ts.LineSet{Line: ts.Line{HourType: htVacation, Minutes: [7]ts.Minutes{0, 0, 0, 0, 480}}, DayTotals: [7]ts.Minutes{450, 0, 210, 60, 480}},
		&ts.LineWiped{HourType: htOver125.Code, DayTotals: [7]ts.Minutes{450, 0, 210, 0, 480}},
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseTravelKm, Date: w.Start(), Kilometres: 42}},
		&ts.RemarkAdded{Remark: ts.Remark{Text: "één dag", By: domain.RoleWorker}},
		&ts.Offered{Round: 1, Hash: "h1", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient, DayTotals: [7]ts.Minutes{450, 0, 210, 0, 480}},
		&ts.OfferWithdrawn{Round: 1, By: domain.RoleWorker, Hash: "h1"},
		&ts.Offered{Round: 2, Hash: "h", Chain: []domain.Role{domain.RoleClient, domain.RoleIntermediary},
			Next: domain.RoleClient, DayTotals: [7]ts.Minutes{450, 0, 210, 0, 480}},
		&ts.StepApproved{Round: 2, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"})
	w8 := ts.ISOWeek{Year: 2026, Week: 21}
	sheet("p8", w8,
		&ts.LineSet{Line: ts.Line{HourType: htNormal, Minutes: [7]ts.Minutes{480}}, DayTotals: [7]ts.Minutes{480}},
		&ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient, DayTotals: [7]ts.Minutes{480}},
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
		&ts.Approved{Round: 1, Hash: "h", DayTotals: [7]ts.Minutes{480}},
		&ts.Imported{Hash: "h", ImportBatch: "b7"},
		&ts.Reopened{Round: 1, Reason: "Maandag was vrij.", By: domain.RoleBackoffice, ReturnedTo: domain.RoleWorker, ImportBatch: "b7", Hash: "h"},
		&ts.LineSet{Line: ts.Line{HourType: htNormal}, DayTotals: [7]ts.Minutes{}})
	return out
}

// TestLiveUpdatesEqualOneBatch: events applied one per transaction (each
// an UPDATE of the groups it changed) leave the same rows as one batch of
// them all (each row new, written whole by COPY), for every kind of event.
func TestLiveUpdatesEqualOneBatch(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	events := append(reportFixture(t), everyKind(t)...)
	p := rm.NewTimesheets()
	if err := apply(t, pool, p, events...); err != nil {
		t.Fatal(err)
	}
	batch := rowsAsJSON(t, pool)
	if _, err := pool.Exec(ctx, `TRUNCATE ts_timesheets, ts_status_counts`); err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if err := apply(t, pool, p, e); err != nil {
			t.Fatal(err)
		}
	}
	live := rowsAsJSON(t, pool)
	if len(live) != len(batch) || len(batch) < 10 {
		t.Fatalf("%d rows live, %d in one batch", len(live), len(batch))
	}
	for stream, want := range batch {
		if live[stream] != want {
			t.Errorf("%s live:\n got %s\nwant %s", stream, live[stream], want)
		}
	}
}
