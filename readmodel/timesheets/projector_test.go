package timesheets_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
	"backoffice/projections"
	"backoffice/readmodel"
	rm "backoffice/readmodel/timesheets"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newPool(t testing.TB) *pgxpool.Pool {
	cs := pgtest.NewDBFromTemplate(t, "readmodel-timesheets", pgtest.WithPool(readmodel.Migrate))
	return pgtest.Pool(t, cs)
}

var now = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

// rec makes a recorded event of stream at revision.
func rec(t testing.TB, stream string, revision uint64, e domain.Event, role string) eventstore.RecordedEvent {
	b, err := domain.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	return eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: revision, Type: e.EventType(), Data: b,
		Metadata: eventstore.Metadata{ActorRole: role, ActorID: "acc-" + role, OccurredAt: now}, Created: now}
}

func apply(t testing.TB, pool *pgxpool.Pool, p projections.BatchProjector, events ...eventstore.RecordedEvent) error {
	return pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error { return p.HandleBatch(context.Background(), tx, events) })
}

func TestProjectorIdempotentAndScoped(t *testing.T) {
	pool := newPool(t)
	w := ts.ISOWeek{Year: 2026, Week: 5}
	stream := ts.StreamName("p1", w)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	if err := apply(t, pool, rm.NewPlacements(),
		rec(t, "placement-p1", 0, &placement.Started{PlacementID: "p1", WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1", Start: start}, "backoffice")); err != nil {
		t.Fatal(err)
	}
	normal := ts.HourType{Code: "100", Name: "Normaal", Percentage: 100}
	entry := ts.Entry{ID: 1, Date: w.Start(), Start: 8 * 60, End: 16 * 60, Break: 30}
	worked := ts.Worked{EntryID: 1, Date: w.Start(), Start: now, End: now.Add(8 * time.Hour), Elapsed: 480, Minutes: 450}
	events := []eventstore.RecordedEvent{
		rec(t, stream, 0, &ts.Opened{PlacementID: "p1", Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
			TimeRegistration: true, NormalHourType: normal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
			ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"}, "worker"),
		rec(t, stream, 1, &ts.TimeEntryAdded{Entry: entry, TimeEntries: ts.TimeEntries{Worked: []ts.Worked{worked},
			NormalLine: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{450}, FromTimeRegistration: true}, DayTotals: [7]ts.Minutes{450}}}, "worker"),
	}
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bo := domain.Actor{Role: domain.RoleBackoffice}
	for range 2 { // the second time every event is a repeat: nothing moves
		if err := apply(t, pool, rm.NewTimesheets(), events...); err != nil {
			t.Fatal(err)
		}
		o, err := q.Overview(ctx, bo)
		if err != nil || o != (rm.Overview{Open: 1, NotApproved: 1}) {
			t.Fatalf("overview = %+v, %v", o, err)
		}
	}
	offered := rec(t, stream, 2, &ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient,
		DayTotals: [7]ts.Minutes{450}, TotalMinutes: 450}, "worker")
	// A batch repeating old events with a new one applies only the new one.
	if err := apply(t, pool, rm.NewTimesheets(), append(events, offered)...); err != nil {
		t.Fatal(err)
	}
	// A gap is refused.
	if err := apply(t, pool, rm.NewTimesheets(), rec(t, stream, 9, &ts.Imported{Hash: "h", ImportBatch: "b"}, "payroll")); err == nil {
		t.Fatal("a gap in the stream was accepted")
	}
	for _, tc := range []struct {
		actor domain.Actor
		want  rm.Overview
	}{
		{bo, rm.Overview{Offered: 1, NotApproved: 1}},
		{domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, rm.Overview{Offered: 1, NotApproved: 1}},
		{domain.Actor{Role: domain.RoleWorker, WorkerID: "w1"}, rm.Overview{Offered: 1, NotApproved: 1}},
		{domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i1"}, rm.Overview{Offered: 1, NotApproved: 1}},
		{domain.Actor{Role: domain.RoleClient, ClientID: "c2"}, rm.Overview{}},
		{domain.Actor{Role: domain.RoleClient}, rm.Overview{}},
	} {
		if o, err := q.Overview(ctx, tc.actor); err != nil || o != tc.want {
			t.Errorf("overview of %+v = %+v, %v; want %+v", tc.actor, o, err, tc.want)
		}
	}
	d, err := q.Detail(ctx, domain.Actor{Role: domain.RoleClient, ClientID: "c1"}, "p1", w)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "offered" || !d.WaitingForMe || len(d.Entries) != 1 || d.Entries[0].WorkedMinutes != 450 || d.Entries[0].Start != "08:00" ||
		len(d.Lines) != 1 || !d.Lines[0].FromTimeRegistration || d.TotalMinutes != 450 || *d.Revision != 2 {
		t.Fatalf("detail = %+v", d)
	}
	if _, err := q.Detail(ctx, domain.Actor{Role: domain.RoleWorker, WorkerID: "w2"}, "p1", w); err != domain.ErrNotFound {
		t.Fatalf("another worker: %v", err)
	}
	// Late: W05's entry deadline passed (Tuesday 3 Feb 00:00) at a later clock
	// for an open timesheet; an offered one is late only for approval.
	later, _ := rm.NewQueries(pool, func() time.Time { return time.Date(2026, 2, 4, 12, 0, 0, 0, time.UTC) })
	page, err := later.List(ctx, bo, rm.Filter{Statuses: []string{"not_approved"}})
	if err != nil || len(page.Items) != 1 || page.Items[0].Late.Entry || !page.Items[0].Late.Approval {
		t.Fatalf("late flags = %+v, %v", page, err)
	}
}
