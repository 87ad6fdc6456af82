package timesheets_test

import (
	"context"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/readmodel/tenant/tenanttest"
	rm "backoffice/readmodel/timesheets"
)

// TestNoQueryCrossesTenants: for every query of the timesheet read model
// and every user of tenant A (intermediary i1, client c1, worker w1), the
// timesheets of tenant B (i9, c9, w9) never come back (a list leaves them
// out, a lookup is not found, the counts leave them out), while A's own do.
func TestNoQueryCrossesTenants(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	type tenant struct{ placement, inter, client, worker string }
	a, b := tenant{"p1", "i1", "c1", "w1"}, tenant{"p9", "i9", "c9", "w9"}
	normal := ts.HourType{Code: "100", Name: "Normaal", Percentage: 100}
	var placements, sheets []eventstore.RecordedEvent
	// Tenant x gets approved weeks 3 and 4 and (B only) an offered week 5:
	// B has more of everything, so a count that leaks shows.
	for _, x := range []tenant{a, b} {
		placements = append(placements, rec(t, placement.Stream(x.placement), 0, &placement.Started{PlacementID: x.placement,
			WorkerID: x.worker, ClientID: x.client, IntermediaryID: x.inter, Function: "Bakker", Start: start}, "backoffice"))
		weeks := []int{3, 4}
		if x == b {
			weeks = append(weeks, 5)
		}
		for _, n := range weeks {
			w := ts.ISOWeek{Year: 2026, Week: n}
			stream := ts.StreamName(x.placement, w)
			line := &ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480}}, DayTotals: [7]ts.Minutes{480}}
			events := []domain.Event{
				&ts.Opened{PlacementID: x.placement, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
					NormalHourType: normal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
					ClientID: x.client, IntermediaryID: x.inter, WorkerID: x.worker},
				line,
				&ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient,
					DayTotals: [7]ts.Minutes{480}, TotalMinutes: 480},
			}
			if n < 5 {
				events = append(events,
					&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
					&ts.Approved{Round: 1, Hash: "h", Lines: []ts.Line{line.Line}, DayTotals: [7]ts.Minutes{480}, TotalMinutes: 480})
			}
			for i, e := range events {
				sheets = append(sheets, rec(t, stream, uint64(i), e, "worker"))
			}
		}
	}
	if err := apply(t, pool, rm.NewPlacements(), placements...); err != nil {
		t.Fatal(err)
	}
	if err := apply(t, pool, rm.NewTimesheets(), sheets...); err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}

	users := []domain.Actor{
		{Role: domain.RoleIntermediary, IntermediaryID: a.inter},
		{Role: domain.RoleClient, ClientID: a.client},
		{Role: domain.RoleWorker, WorkerID: a.worker},
	}
	// The overview's counts: A has two approved timesheets and nothing
	// offered; anything more is B's.
	for _, actor := range users {
		o, err := q.Overview(ctx, actor)
		if err != nil || o != (rm.Overview{Approved: 2}) {
			t.Fatalf("Overview as %s of tenant a = %+v (%v), want 2 approved only", actor.Role, o, err)
		}
	}
	c := tenanttest.New(t, users, a, b, []string{a.placement})
	// Each query returns the placements of the rows it answers with for
	// tenant x (a lookup that is not found: none).
	week3 := ts.ISOWeek{Year: 2026, Week: 3}
	c.Query("Weeks", tenanttest.AllRoles, func(actor domain.Actor, x tenant) ([]string, error) {
		_, err := q.Weeks(ctx, actor, x.placement, 2026)
		return tenanttest.Found(x.placement, err)
	})
	c.Query("List", tenanttest.AllRoles, func(actor domain.Actor, _ tenant) ([]string, error) {
		p, err := q.List(ctx, actor, rm.Filter{Limit: 500})
		return tenanttest.IDs(p.Items, func(s rm.Summary) string { return s.PlacementID }), err
	})
	c.Query("Detail", tenanttest.AllRoles, func(actor domain.Actor, x tenant) ([]string, error) {
		d, err := q.Detail(ctx, actor, x.placement, week3)
		return tenanttest.Found(d.PlacementID, err)
	})
	c.Query("HoursReport", tenanttest.AllRoles, func(actor domain.Actor, _ tenant) ([]string, error) {
		r, err := q.HoursReport(ctx, actor, week3, ts.ISOWeek{Year: 2026, Week: 5})
		return tenanttest.IDs(r.Rows, func(row rm.ReportRow) string { return row.PlacementID }), err
	})
}
