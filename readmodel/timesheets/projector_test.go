package timesheets_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// TestPrepareDecodesInOrder: a page decoded ahead (Prepare, on several
// goroutines for a large page) projects the same rows as the plain batch,
// and an event that cannot be decoded fails the batch at that event.
func TestPrepareDecodesInOrder(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	p := rm.NewTimesheets()
	normal := ts.HourType{Code: "100", Name: "Normaal", Percentage: 100}
	var events []eventstore.RecordedEvent
	for i := range 1200 { // 3,600 events: more than one stretch
		w := ts.ISOWeek{Year: 2025, Week: 1 + i%52}
		pid := fmt.Sprintf("p%d", i/52)
		stream := ts.StreamName(pid, w)
		events = append(events,
			rec(t, stream, 0, &ts.Opened{PlacementID: pid, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
				NormalHourType: normal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
				ClientID: "c1", IntermediaryID: "i1", WorkerID: "w" + pid}, "worker"),
			rec(t, stream, 1, &ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{60 * ts.Minutes(1+i%8)}},
				DayTotals: [7]ts.Minutes{60 * ts.Minutes(1+i%8)}}, "worker"),
			rec(t, stream, 2, &ts.RemarkAdded{Remark: ts.Remark{Text: fmt.Sprintf("week %d", i), By: domain.RoleWorker}}, "worker"))
	}
	rows := func(prepared bool, events []eventstore.RecordedEvent) (string, error) {
		var out string
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if err := p.Reset(ctx, tx); err != nil {
				return err
			}
			var err error
			if prepared {
				err = p.HandlePrepared(ctx, tx, events, p.Prepare(events))
			} else {
				err = p.HandleBatch(ctx, tx, events)
			}
			if err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT string_agg(row_to_json(t)::text, E'\n' ORDER BY stream) FROM ts_timesheets t`).Scan(&out)
		})
		return out, err
	}
	plain, err := rows(false, events)
	if err != nil {
		t.Fatal(err)
	}
	ahead, err := rows(true, events)
	if err != nil {
		t.Fatal(err)
	}
	if plain != ahead || strings.Count(plain, "\n") != 1199 {
		t.Fatalf("decoded ahead differs from plain or rows missing (%d lines)", strings.Count(ahead, "\n")+1)
	}

	bad := slices.Clone(events)
	bad[3002].Data = []byte(`{"remark": 7}`)
	_, err = rows(true, bad)
	if want := fmt.Sprintf("%s revision %d", bad[3002].Stream, bad[3002].Revision); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one naming %q", err, want)
	}
}

// TestPreparedPagesEqualOneBatch: pages prepared ahead (Prepare folds and
// encodes the timesheets that start in the page; a timesheet a page
// boundary splits is folded in the transaction onto its stored row) give
// the same rows and counts as one plain batch (counts that went to 0
// between pages stay as rows of 0); and a page whose new
// timesheets have rows already reports projections.ErrPreparedStale,
// after which the plain batch applies it idempotently.
func TestPreparedPagesEqualOneBatch(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	p := rm.NewTimesheets()
	normal := ts.HourType{Code: "100", Name: "Normaal", Percentage: 100}
	chain := []domain.Role{domain.RoleClient}
	var events []eventstore.RecordedEvent
	for i := range 900 {
		w := ts.ISOWeek{Year: 2025, Week: 1 + i%52}
		pid := fmt.Sprintf("p%d", i/52)
		stream := ts.StreamName(pid, w)
		mins := [7]ts.Minutes{60 * ts.Minutes(1+i%8)}
		evs := []domain.Event{
			&ts.Opened{PlacementID: pid, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
				NormalHourType: normal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
				ClientID: fmt.Sprintf("c%d", i%3), IntermediaryID: "i1", WorkerID: "w" + pid},
			&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: mins}, DayTotals: mins},
		}
		if i%3 != 0 {
			evs = append(evs, &ts.Offered{Round: 1, Hash: "h", Chain: chain, Next: domain.RoleClient, DayTotals: mins, TotalMinutes: mins[0]})
		}
		if i%3 == 2 {
			evs = append(evs, &ts.Approved{Round: 1, Hash: "h", DayTotals: mins, TotalMinutes: mins[0]})
		}
		for r, e := range evs {
			events = append(events, rec(t, stream, uint64(r), e, "worker"))
		}
	}
	// The later events of a third of the timesheets come long after their
	// first ones (other pages): rows to load and update.
	slices.SortStableFunc(events, func(a, b eventstore.RecordedEvent) int {
		late := func(e eventstore.RecordedEvent) int {
			if e.Revision >= 2 && len(e.Stream)%3 == 0 {
				return 1
			}
			return 0
		}
		return late(a) - late(b)
	})
	state := func(pages ...[]eventstore.RecordedEvent) (string, error) {
		var out string
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if err := p.Reset(ctx, tx); err != nil {
				return err
			}
			for _, page := range pages {
				if len(pages) == 1 {
					if err := p.HandleBatch(ctx, tx, page); err != nil {
						return err
					}
				} else if err := p.HandlePrepared(ctx, tx, page, p.Prepare(page)); err != nil {
					return err
				}
			}
			return tx.QueryRow(ctx, `SELECT (SELECT string_agg(row_to_json(t)::text, E'\n' ORDER BY stream) FROM ts_timesheets t)
				|| E'\n' || (SELECT string_agg(row_to_json(c)::text, E'\n' ORDER BY scope_kind, scope_id, status) FROM ts_status_counts c WHERE n <> 0)`).Scan(&out)
		})
		return out, err
	}
	plain, err := state(events)
	if err != nil {
		t.Fatal(err)
	}
	var pages [][]eventstore.RecordedEvent
	for lo := 0; lo < len(events); lo += 1001 { // page ends inside timesheets
		pages = append(pages, events[lo:min(lo+1001, len(events))])
	}
	ahead, err := state(pages...)
	if err != nil {
		t.Fatal(err)
	}
	if plain != ahead || strings.Count(plain, "\"stream\"") != 900 {
		t.Fatalf("pages prepared ahead differ from one batch, or rows missing (%d)", strings.Count(ahead, "\"stream\""))
	}

	page := events[:1001]
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := p.Reset(ctx, tx); err != nil {
			return err
		}
		return p.HandleBatch(ctx, tx, page)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return p.HandlePrepared(ctx, tx, page, p.Prepare(page)) })
	if !errors.Is(err, projections.ErrPreparedStale) {
		t.Fatalf("prepared page over its own rows: %v, want ErrPreparedStale", err)
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return p.HandleBatch(ctx, tx, page) }); err != nil {
		t.Fatalf("the plain batch after it: %v", err)
	}
}
