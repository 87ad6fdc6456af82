package timesheets_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/timesheets"
)

// TestShiftsProjectAsRecorded: the week of the autumn clock change, as the
// domain records it: a 24-hour shift from Saturday 08:00 (25 real hours)
// and a continuous Sunday shift that runs on to the next week's Monday
// 07:00. The read model shows the recorded hours (25 on Saturday, Sunday's
// shift until Monday 07:00), approved, and again after a rebuild.
func TestShiftsProjectAsRecorded(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	w43 := ts.ISOWeek{Year: 2026, Week: 43}
	at := time.Date(2026, 10, 26, 12, 0, 0, 0, time.UTC)
	clock := func(s string) ts.Clock { c, _ := ts.ParseClock(s); return c }
	terms := ts.Terms{PlacementID: "p1", Week: w43, HourTypes: []ts.HourType{{Code: "100", Name: "Normaal", Percentage: 100}},
		NormalHourType: "100", EnteredBy: domain.RoleWorker, Chain: []domain.Role{domain.RoleClient}, TimeRegistration: true,
		Period: ts.Period{Start: ts.NewDate(2026, 1, 5)}, ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"}
	worker := domain.Actor{AccountID: "a-w1", Role: domain.RoleWorker, WorkerID: "w1"}
	client := domain.Actor{AccountID: "a-c1", Role: domain.RoleClient, ClientID: "c1"}
	mon44 := ts.NewDate(2026, 10, 26)
	next := ts.AdjacentWeeks{Next: []ts.Worked{{EntryID: 1, Date: mon44, Start: mon44.At(7, 0, ts.Location()), End: mon44.At(15, 0, ts.Location()), Elapsed: 480, Minutes: 480}}}

	sheet := &ts.Timesheet{}
	var events []domain.Event
	for _, step := range []func() ([]domain.Event, error){
		func() ([]domain.Event, error) {
			return sheet.AddEntry(worker, terms, next, ts.EntryInput{Date: ts.NewDate(2026, 10, 24), Start: clock("08:00"), End: clock("08:00"), Shift24h: true}, at)
		},
		func() ([]domain.Event, error) {
			return sheet.AddEntry(worker, terms, next, ts.EntryInput{Date: ts.NewDate(2026, 10, 25), Start: clock("22:00"), End: clock("06:00"), Continuous: true}, at)
		},
		func() ([]domain.Event, error) { return sheet.Offer(worker, terms, next, at) },
		func() ([]domain.Event, error) { return sheet.Approve(client, terms, 0, sheet.OfferedHash(), at) },
	} {
		evs, err := step()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, evs...)
	}
	stream := ts.StreamName("p1", w43)
	recs := make([]eventstore.RecordedEvent, len(events))
	for i, e := range events {
		recs[i] = rec(t, stream, uint64(i), e, "worker")
	}
	if err := apply(t, pool, rm.NewPlacements(), rec(t, "placement-p1", 0, &placement.Started{PlacementID: "p1", WorkerID: "w1",
		ClientID: "c1", IntermediaryID: "i1", Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}, "backoffice")); err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	for _, rebuild := range []bool{false, true} {
		if rebuild {
			if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return rm.NewTimesheets().Reset(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := apply(t, pool, rm.NewTimesheets(), recs...); err != nil {
			t.Fatal(err)
		}
		d, err := q.Detail(ctx, domain.Actor{Role: domain.RoleBackoffice}, "p1", w43)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != "approved" || d.DayTotals != [7]int{0, 0, 0, 0, 0, 1500, 540} || d.TotalMinutes != 2040 || len(d.Entries) != 2 {
			t.Fatalf("rebuild %v: detail %+v", rebuild, d)
		}
		if got := d.Entries[1].WorkedUntil.In(ts.Location()).Format("2006-01-02 15:04"); got != "2026-10-26 07:00" || d.Entries[1].WorkedMinutes != 540 {
			t.Errorf("rebuild %v: Sunday's shift until %s, %d minutes", rebuild, got, d.Entries[1].WorkedMinutes)
		}
	}
}
