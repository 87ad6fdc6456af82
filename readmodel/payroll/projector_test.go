package payroll_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
	"backoffice/readmodel"
	"backoffice/readmodel/payroll"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newPool(t testing.TB) *pgxpool.Pool {
	cs := pgtest.NewDBFromTemplate(t, "readmodel-payroll", pgtest.WithPool(readmodel.Migrate))
	return pgtest.Pool(t, cs)
}

var (
	now     = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	payRole = domain.Actor{AccountID: "token:1", Role: domain.RolePayroll}
)

// rec makes a recorded event of stream at revision and global position
// (commit, 0).
func rec(t testing.TB, stream string, revision, commit uint64, e domain.Event) eventstore.RecordedEvent {
	b, err := domain.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	return eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: revision, Type: e.EventType(), Data: b,
		Position: eventstore.Position{Commit: commit}, Metadata: eventstore.Metadata{OccurredAt: now}, Created: now}
}

func apply(t testing.TB, pool *pgxpool.Pool, events ...eventstore.RecordedEvent) {
	t.Helper()
	p := payroll.NewFeed()
	if err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		return p.HandleBatch(context.Background(), tx, events)
	}); err != nil {
		t.Fatal(err)
	}
}

func feed(t testing.TB, pool *pgxpool.Pool, req payroll.FeedRequest) []payroll.Item {
	t.Helper()
	q, err := payroll.NewQueries(pool)
	if err != nil {
		t.Fatal(err)
	}
	page, err := q.Feed(context.Background(), payRole, req)
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// events of one approved (and optionally imported) timesheet, from the
// given commit position on.
func sheetEvents(t testing.TB, placementID string, wk int, commit uint64) []eventstore.RecordedEvent {
	w := ts.ISOWeek{Year: 2026, Week: wk}
	stream := ts.StreamName(placementID, w)
	line := ts.Line{HourType: ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}, Minutes: [7]ts.Minutes{480, 480}}
	return []eventstore.RecordedEvent{
		rec(t, stream, 0, commit, &ts.Opened{PlacementID: placementID, Week: w, WeekStart: w.Start(), WeekEnd: w.End(),
			EnteredBy: domain.RoleWorker, WorkerID: "w-" + placementID, ClientID: "c1", IntermediaryID: "i1"}),
		rec(t, stream, 1, commit+1, &ts.LineSet{Line: line}),
		rec(t, stream, 2, commit+2, &ts.Approved{Round: 1, Hash: "hash-" + placementID, Lines: []ts.Line{line},
			Expenses:   []ts.Expense{{ID: 1, Type: ts.ExpenseParking, Date: w.Start(), AmountCents: 750}},
			Allowances: ts.Allowances{DaysWorked: 2, MinutesWorked: 960, PerDayCents: 500, TotalCents: 1000},
			DayTotals:  [7]ts.Minutes{480, 480}, TotalMinutes: 960, Deadline: now}),
		rec(t, stream, 3, commit+3, &ts.Imported{Hash: "hash-" + placementID, ImportBatch: "b1"}),
	}
}

// TestFeedProjectorIdempotent: events delivered again (in one batch or a
// later one) change nothing; an import in the same batch as the approval
// and in a later batch end the same; only approvals make rows.
func TestFeedProjectorIdempotent(t *testing.T) {
	pool := newPool(t)
	a := sheetEvents(t, "pa", 5, 10)
	b := sheetEvents(t, "pb", 5, 20)

	// a: opened and line in one batch, approval in the next; nothing in the
	// feed before the approval.
	apply(t, pool, a[0], a[1])
	if got := feed(t, pool, payroll.FeedRequest{IncludeImported: true}); len(got) != 0 {
		t.Fatalf("feed before approval = %+v", got)
	}
	apply(t, pool, a[0], a[1], a[2]) // replayed events with the new one
	// b: everything in one batch, delivered twice.
	apply(t, pool, b...)
	apply(t, pool, b...)
	// a's import later, twice.
	apply(t, pool, a[3])
	apply(t, pool, a[2], a[3])

	got := feed(t, pool, payroll.FeedRequest{IncludeImported: true})
	if len(got) != 2 || got[0].Placement != "pa" || got[1].Placement != "pb" {
		t.Fatalf("feed = %+v", got)
	}
	for _, it := range got {
		if !it.Imported || it.ImportBatch != "b1" || it.Hash != "hash-"+it.Placement || it.TotalMinutes != 960 ||
			len(it.Lines) != 1 || it.Lines[0].TotalMinutes != 960 || len(it.Expenses) != 1 || it.Expenses[0].AmountCents != 750 ||
			it.Allowances.TotalCents != 1000 || it.WorkerID != "w-"+it.Placement || it.Week != "2026-W05" || it.WeekStart != "2026-01-26" {
			t.Fatalf("item = %+v", it)
		}
	}
	if got[0].Cursor != payroll.FormatCursor(eventstore.Position{Commit: 12}) {
		t.Fatalf("cursor of a = %s, want the approval's position", got[0].Cursor)
	}
	if pending := feed(t, pool, payroll.FeedRequest{}); len(pending) != 0 {
		t.Fatalf("default feed = %+v, want nothing left to import", pending)
	}

	// An approval without its opened event is refused, never papered over.
	p := payroll.NewFeed()
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		return p.HandleBatch(context.Background(), tx, sheetEvents(t, "pc", 6, 30)[2:3])
	})
	if err == nil {
		t.Fatal("approval without opened: no error")
	}
}

// TestFeedRoles: the feed exists for payroll, the back office and (read
// only, docs/audit.md §6) the auditor; for the tenants' roles it does not.
func TestFeedRoles(t *testing.T) {
	pool := newPool(t)
	q, err := payroll.NewQueries(pool)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []domain.Actor{
		{Role: domain.RoleClient, ClientID: "c1"}, {Role: domain.RoleWorker, WorkerID: "w1"},
		{Role: domain.RoleIntermediary, IntermediaryID: "i1"},
	} {
		if _, err := q.Feed(context.Background(), a, payroll.FeedRequest{}); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("%s: err %v, want not found", a.Role, err)
		}
	}
	for _, r := range []domain.Role{domain.RoleBackoffice, domain.RolePayroll, domain.RoleAuditor} {
		if _, err := q.Feed(context.Background(), domain.Actor{Role: r}, payroll.FeedRequest{}); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
	}
}
