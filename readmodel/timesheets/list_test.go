package timesheets_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/timesheets"
)

// listFixture records five timesheets of client c1 (intermediary i1):
//
//	A p1 W05, worker enters: open
//	B p1 W04, worker enters: offered to [client, intermediary], step 0 next
//	C p2 W05, client enters: offered to [intermediary], rejected
//	D p2 W04, client enters: offered to [client, intermediary], step 1 next
//	E p1 W03, worker enters: offered to [client], approved
func listFixture(t *testing.T) []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	sheet := func(placement, worker string, week int, enteredBy domain.Role, events ...domain.Event) {
		w := ts.ISOWeek{Year: 2026, Week: week}
		stream := ts.StreamName(placement, w)
		opened := &ts.Opened{PlacementID: placement, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: enteredBy,
			NormalHourType: ts.HourType{Code: "100", Name: "Normaal", Percentage: 100},
			EntryDeadline:  ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
			ClientID: "c1", IntermediaryID: "i1", WorkerID: worker}
		for i, e := range append([]domain.Event{opened}, events...) {
			out = append(out, rec(t, stream, uint64(i), e, string(enteredBy)))
		}
	}
	line := &ts.LineSet{Line: ts.Line{HourType: ts.HourType{Code: "100", Name: "Normaal", Percentage: 100}, Minutes: [7]ts.Minutes{480}},
		DayTotals: [7]ts.Minutes{480}}
	two := []domain.Role{domain.RoleClient, domain.RoleIntermediary}
	offered := func(hash string, chain ...domain.Role) *ts.Offered {
		return &ts.Offered{Round: 1, Hash: hash, Chain: chain, Next: chain[0], DayTotals: [7]ts.Minutes{480}, TotalMinutes: 480}
	}
	sheet("p1", "w1", 5, domain.RoleWorker, line)
	sheet("p1", "w1", 4, domain.RoleWorker, line, offered("hB", two...))
	sheet("p2", "w2", 5, domain.RoleClient, line, offered("hC", domain.RoleIntermediary),
		&ts.Rejected{Round: 1, Step: 0, Party: domain.RoleIntermediary, By: domain.RoleIntermediary, Reason: "nee", ReturnedTo: domain.RoleClient, Hash: "hC"})
	sheet("p2", "w2", 4, domain.RoleClient, line, offered("hD", two...),
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "hD", Next: domain.RoleIntermediary})
	sheet("p1", "w1", 3, domain.RoleWorker, line, offered("hE", domain.RoleClient),
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "hE"},
		&ts.Approved{Round: 1, Hash: "hE", DayTotals: [7]ts.Minutes{480}, TotalMinutes: 480})
	return out
}

// key names a summary by placement and week number ("p1/5").
func key(s rm.Summary) string {
	w, _ := ts.ParseISOWeek(s.Week)
	return fmt.Sprintf("%s/%d", s.PlacementID, w.Week)
}

func intp(n int) *int { return &n }

// TestListFields: the list carries the next step and hash of an offer (for
// an approval bound to what was shown) and who enters the hours, and
// "waiting for me" lists the offers whose next step is the actor's and the
// open or rejected weeks the actor's role still has to enter or offer. The
// same holds after a rebuild from position 0.
func TestListFields(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	events := listFixture(t)
	q, err := rm.NewQueries(pool, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	type fields struct {
		status, enteredBy, hash string
		step                    *int
	}
	wantFields := map[string]fields{
		"p1/5": {"open", "worker", "", nil},
		"p1/4": {"offered", "worker", "hB", intp(0)},
		"p2/5": {"rejected", "client", "", nil}, // the hash of a rejected offer is not sent back
		"p2/4": {"offered", "client", "hD", intp(1)},
		"p1/3": {"approved", "worker", "", nil},
	}
	actors := map[string]domain.Actor{
		"worker w1":  {Role: domain.RoleWorker, WorkerID: "w1"},
		"worker w2":  {Role: domain.RoleWorker, WorkerID: "w2"},
		"client":     {Role: domain.RoleClient, ClientID: "c1"},
		"inter":      {Role: domain.RoleIntermediary, IntermediaryID: "i1"},
		"backoffice": {Role: domain.RoleBackoffice},
		"client c2":  {Role: domain.RoleClient, ClientID: "c2"},
	}
	wantWaiting := map[string][]string{
		"worker w1":  {"p1/5"},         // open, and the worker enters; p1/4 waits for the client
		"worker w2":  nil,              // the client enters p2's hours
		"client":     {"p1/4", "p2/5"}, // the client's step of p1/4; p2/5 rejected back to the client
		"inter":      {"p2/4"},         // step 1 of p2/4
		"backoffice": {"p1/4", "p2/4"}, // every offered timesheet
		"client c2":  nil,              // another tenant
	}
	wantStep := map[string][]string{ // StepIsFor: what the actor may approve from the list
		"worker w1": nil, "worker w2": nil, "client": {"p1/4"}, "inter": {"p2/4"}, "backoffice": {"p1/4", "p2/4"}, "client c2": nil,
	}
	check := func(t *testing.T) {
		t.Helper()
		all, err := q.List(ctx, actors["backoffice"], rm.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) != len(wantFields) {
			t.Fatalf("list = %+v", all.Items)
		}
		for _, s := range all.Items {
			w, ok := wantFields[key(s)]
			got := fields{s.Status, s.EnteredBy, s.Hash, s.NextStep}
			if !ok || got.status != w.status || got.enteredBy != w.enteredBy || got.hash != w.hash ||
				(got.step == nil) != (w.step == nil) || (got.step != nil && *got.step != *w.step) {
				t.Errorf("%s: status %s, entered by %q, hash %q, step %v; want %+v", key(s), s.Status, s.EnteredBy, s.Hash, s.NextStep, w)
			}
		}
		for name, a := range actors {
			page, err := q.List(ctx, a, rm.Filter{WaitingForMe: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range page.Items {
				got = append(got, key(s))
			}
			slices.Sort(got)
			if !slices.Equal(got, wantWaiting[name]) {
				t.Errorf("waiting for %s = %v, want %v", name, got, wantWaiting[name])
			}
			// The home screen counts what the list lists, up to a cap.
			for _, max := range []int{1, 10} {
				n, err := q.CountUpTo(ctx, a, rm.Filter{WaitingForMe: true}, max)
				if want := min(len(wantWaiting[name]), max); err != nil || n != want {
					t.Errorf("count waiting for %s up to %d = %d, %v; want %d", name, max, n, err, want)
				}
			}
			// The flag on a row is the filter's rule; StepIsFor only the
			// offers the actor may approve now.
			scoped, err := q.List(ctx, a, rm.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			var flagged, steps []string
			for _, s := range scoped.Items {
				if s.WaitingFor(a) {
					flagged = append(flagged, key(s))
				}
				if s.StepIsFor(a) {
					steps = append(steps, key(s))
				}
			}
			slices.Sort(flagged)
			slices.Sort(steps)
			if !slices.Equal(flagged, wantWaiting[name]) || !slices.Equal(steps, wantStep[name]) {
				t.Errorf("%s: WaitingFor %v, StepIsFor %v; want %v, %v", name, flagged, steps, wantWaiting[name], wantStep[name])
			}
		}
		// Waiting for me combines with the other filters.
		page, err := q.List(ctx, actors["client"], rm.Filter{WaitingForMe: true, Statuses: []string{"rejected"}})
		if err != nil || len(page.Items) != 1 || key(page.Items[0]) != "p2/5" {
			t.Errorf("rejected and waiting for the client = %+v, %v", page.Items, err)
		}
	}

	if err := apply(t, pool, rm.NewTimesheets(), events...); err != nil {
		t.Fatal(err)
	}
	t.Run("projected", check)

	// The step moves on and the offer is approved: step and hash go.
	d := ts.StreamName("p2", ts.ISOWeek{Year: 2026, Week: 4})
	if err := apply(t, pool, rm.NewTimesheets(),
		rec(t, d, 3, &ts.StepApproved{Round: 1, Step: 1, Party: domain.RoleIntermediary, By: domain.RoleIntermediary, Hash: "hD"}, "intermediary"),
		rec(t, d, 4, &ts.Approved{Round: 1, Hash: "hD", DayTotals: [7]ts.Minutes{480}, TotalMinutes: 480}, "intermediary")); err != nil {
		t.Fatal(err)
	}
	page, err := q.List(ctx, actors["inter"], rm.Filter{Week: &ts.ISOWeek{Year: 2026, Week: 4}, PlacementID: "p2"})
	if err != nil || len(page.Items) != 1 || page.Items[0].Status != "approved" || page.Items[0].NextStep != nil || page.Items[0].Hash != "" {
		t.Fatalf("after the last step = %+v, %v", page.Items, err)
	}

	// A rebuild from position 0 fills the columns again.
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return rm.NewTimesheets().Reset(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if err := apply(t, pool, rm.NewTimesheets(), events...); err != nil {
		t.Fatal(err)
	}
	t.Run("rebuilt", check)
}
