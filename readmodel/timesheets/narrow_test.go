package timesheets_test

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

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
	rows, err := pool.Query(context.Background(), `SELECT stream, to_jsonb(t)::text FROM ts_timesheets t`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var stream, row string
	for rows.Next() {
		if err := rows.Scan(&stream, &row); err != nil {
			t.Fatal(err)
		}
		out[stream] = row
	}
	if err := rows.Err(); err != nil {
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
	events := reportFixture(t)
	// A worked time in the zone it was computed in, and a remark, too.
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	w := ts.ISOWeek{Year: 2026, Week: 20}
	stream := ts.StreamName("p9", w)
	from := time.Date(2026, 5, 11, 8, 0, 0, 0, ams)
	worked := ts.Worked{EntryID: 1, Date: w.Start(), Start: from, End: from.Add(8 * time.Hour), Elapsed: 480, Minutes: 450}
	events = append(events,
		rec(t, stream, 0, &ts.Opened{PlacementID: "p9", Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
			TimeRegistration: true, NormalHourType: htNormal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
			ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"}, "worker"),
		rec(t, stream, 1, &ts.TimeEntryAdded{Entry: ts.Entry{ID: 1, Date: w.Start(), Start: 8 * 60, End: 16 * 60, Break: 30},
			TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked}, DayTotals: [7]ts.Minutes{450},
				NormalLine: ts.Line{HourType: htNormal, Minutes: [7]ts.Minutes{450}, FromTimeRegistration: true}}}, "worker"),
		rec(t, stream, 2, &ts.RemarkAdded{Remark: ts.Remark{Text: "één dag", By: domain.RoleWorker}}, "worker"),
		rec(t, stream, 3, &ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient, domain.RoleIntermediary},
			Next: domain.RoleClient, DayTotals: [7]ts.Minutes{450}, TotalMinutes: 450}, "worker"),
		rec(t, stream, 4, &ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"}, "client"))
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
	if d := wantDetails[stream]; len(d.Entries) != 1 || !d.Entries[0].WorkedFrom.Equal(from) ||
		!strings.HasSuffix(d.Entries[0].WorkedFrom.Format(time.RFC3339), "+02:00") || len(d.Remarks) != 1 ||
		len(d.Steps) != 2 || !d.Steps[0].Approved || d.NextParty != string(domain.RoleIntermediary) {
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
