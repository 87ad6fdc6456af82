package timesheetapi_test

import (
	"testing"

	rm "backoffice/readmodel/timesheets"
)

const w05 = "/timesheets/p1/2026-W05"

// TestWalk walks a worker-entered timesheet through offer, rejection by the
// client, correction, a second offer, the client's approval and the
// intermediary's approval, checking the overview and the week colour after
// every step through min_position (read-your-writes), never by sleeping.
func TestWalk(t *testing.T) {
	e := newEnv(t)
	check := func(pos string, want rm.Overview, colour string) {
		t.Helper()
		want.NotApproved = want.Open + want.Offered + want.Rejected
		for _, actor := range []string{"worker1", "client1", "inter1", "backoffice"} {
			if got := e.overview(actor, pos); got != want {
				t.Fatalf("overview of %s at %s = %+v, want %+v", actor, pos, got, want)
			}
		}
		if got := e.overview("client2", pos); got != (rm.Overview{}) {
			t.Fatalf("overview of another tenant = %+v, want zeros", got)
		}
		wk := e.week("worker1", "p1", 5, pos)
		if wk.Status != colour || !wk.Fillable || wk.Week != "2026-W05" || wk.Start != "2026-01-26" || wk.End != "2026-02-01" {
			t.Fatalf("week 5 = %+v, want status %s, fillable", wk, colour)
		}
	}

	// Nothing yet: every week is "none"; W06 (current) is fillable, W07 not,
	// and weeks before the placement start are not.
	check(e.seeded, rm.Overview{}, "none")
	if wk := e.week("client1", "p1", 6, e.seeded); !wk.Fillable || wk.Status != "none" {
		t.Fatalf("week 6 = %+v, want fillable", wk)
	}
	if wk := e.week("client1", "p1", 7, e.seeded); wk.Fillable {
		t.Fatalf("week 7 = %+v, want not fillable (future)", wk)
	}
	if wk := e.week("client1", "p1", 1, e.seeded); wk.Fillable {
		t.Fatalf("week 1 = %+v, want not fillable (before the placement)", wk)
	}

	// The worker enters hours: Open.
	pos := e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"hours": []string{"8", "7,5", "7:30", "8", "8", "", ""}}).Position(t)
	check(pos, rm.Overview{Open: 1}, "open")
	d := e.detail("worker1", w05, pos)
	if d.Status != "open" || d.TotalMinutes != 8*60*3+450*2 || d.DayTotals != [7]int{480, 450, 450, 480, 480, 0, 0} || len(d.Lines) != 1 {
		t.Fatalf("detail after set line = %+v", d)
	}
	pos = e.must(201, "POST", w05+"/remarks", "worker1", map[string]any{"text": "Dinsdag later begonnen"}).Position(t)
	check(pos, rm.Overview{Open: 1}, "open")
	// Open: it waits for the worker, who enters the hours, and for nobody else.
	waiting := func(actor, pos string) []rm.Summary {
		t.Helper()
		var page rm.Page
		e.must(200, "GET", "/timesheets?waiting_for_me=true&min_position="+pos, actor, nil).Decode(t, &page)
		return page.Items
	}
	if w := waiting("worker1", pos); len(w) != 1 || w[0].Status != "open" || w[0].EnteredBy != "worker" || w[0].NextStep != nil || w[0].Hash != "" {
		t.Fatalf("open, waiting for the worker: %+v", w)
	}
	for _, a := range []string{"client1", "inter1", "backoffice", "worker2"} {
		if w := waiting(a, pos); len(w) != 0 {
			t.Fatalf("open, waiting for %s: %+v", a, w)
		}
	}

	// Offered (aangeboden): the client's turn.
	pos = e.must(200, "POST", w05+"/offer", "worker1", nil).Position(t)
	check(pos, rm.Overview{Offered: 1}, "offered")
	d = e.detail("client1", w05, pos)
	if d.Status != "offered" || d.NextParty != "client" || !d.WaitingForMe || d.Hash == "" || d.Late.Entry {
		t.Fatalf("detail after offer = %+v", d)
	}
	var page rm.Page
	e.must(200, "GET", "/timesheets?waiting_for_me=true&min_position="+pos, "client1", nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Week != "2026-W05" || page.Items[0].Hash != d.Hash ||
		page.Items[0].NextStep == nil || *page.Items[0].NextStep != 0 {
		t.Fatalf("waiting for the client: %+v", page)
	}
	if w := waiting("worker1", pos); len(w) != 0 {
		t.Fatalf("offered, still waiting for the worker: %+v", w)
	}
	e.must(200, "GET", "/timesheets?waiting_for_me=true&min_position="+pos, "inter1", nil).Decode(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("waiting for the intermediary before the client approved: %+v", page)
	}
	// Offered: locked for the worker; the intermediary is not at turn.
	e.must(409, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 480, 480, 480, 480, 0, 0}})
	e.must(409, "POST", w05+"/approve", "inter1", map[string]any{"hash": d.Hash, "step": 1}) // not this step yet
	e.must(403, "POST", w05+"/approve", "inter1", nil)                                       // the current step is not theirs

	// The client rejects with a reason: Afgekeurd, back to the worker.
	pos = e.must(200, "POST", w05+"/reject", "client1", map[string]any{"reason": "Dinsdag klopt niet"}).Position(t)
	check(pos, rm.Overview{Rejected: 1}, "rejected")
	d = e.detail("worker1", w05, pos)
	if d.Rejection == nil || d.Rejection.Reason != "Dinsdag klopt niet" || d.Rejection.By.Role != "client" || d.Rejection.By.AccountID != "acc-c1" {
		t.Fatalf("rejection = %+v", d.Rejection)
	}
	// Rejected: back with the worker, who must correct and offer again.
	if w := waiting("worker1", pos); len(w) != 1 || w[0].Status != "rejected" || w[0].Hash != "" {
		t.Fatalf("rejected, waiting for the worker: %+v", w)
	}
	if w := waiting("client1", pos); len(w) != 0 {
		t.Fatalf("rejected, still waiting for the client: %+v", w)
	}

	// The worker corrects (still Afgekeurd until offered again) and offers.
	pos = e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 480, 450, 480, 480, 0, 0}}).Position(t)
	check(pos, rm.Overview{Rejected: 1}, "rejected")
	pos = e.must(200, "POST", w05+"/offer", "worker1", "").Position(t)
	check(pos, rm.Overview{Offered: 1}, "offered")
	d = e.detail("client1", w05, pos)
	if d.Round != 2 || d.Rejection != nil {
		t.Fatalf("second offer = %+v", d)
	}

	// The client approves step 0: still Aangeboden, now the intermediary's turn.
	pos = e.must(200, "POST", w05+"/approve", "client1", map[string]any{"hash": d.Hash, "step": 0}).Position(t)
	check(pos, rm.Overview{Offered: 1}, "offered")
	d = e.detail("inter1", w05, pos)
	if d.NextParty != "intermediary" || !d.WaitingForMe || !d.Steps[0].Approved || d.Steps[0].By.AccountID != "acc-c1" || d.Steps[0].At == nil {
		t.Fatalf("after the client's approval = %+v", d)
	}
	e.must(200, "GET", "/timesheets?waiting_for_me=true&min_position="+pos, "inter1", nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Hash != d.Hash || page.Items[0].NextStep == nil || *page.Items[0].NextStep != 1 {
		t.Fatalf("waiting for the intermediary: %+v", page)
	}

	// The intermediary approves: Geaccordeerd.
	pos = e.must(200, "POST", w05+"/approve", "inter1", map[string]any{"hash": d.Hash, "step": 1}).Position(t)
	check(pos, rm.Overview{Approved: 1}, "approved")
	d = e.detail("client1", w05, pos)
	if d.Status != "approved" || d.StatusLabel != "Geaccordeerd" || d.ApprovedAt == nil || len(d.Steps) != 2 || !d.Steps[1].Approved {
		t.Fatalf("approved detail = %+v", d)
	}

	// Payroll imports it: Geïmporteerd.
	pos = e.must(200, "POST", w05+"/imported", "payroll", map[string]any{"import_batch": "2026-06"}).Position(t)
	check(pos, rm.Overview{Imported: 1}, "imported")

	// The history has every event with actor and time, for users and auditors.
	var h struct {
		Events []rm.HistoryEvent `json:"events"`
	}
	e.must(200, "GET", w05+"/history", "auditor", nil).Decode(t, &h)
	var types []string
	for _, ev := range h.Events {
		types = append(types, ev.Type)
		if ev.Actor.Role == "" || ev.OccurredAt.IsZero() {
			t.Fatalf("history event without actor or time: %+v", ev)
		}
	}
	want := []string{"timesheet.opened", "timesheet.line_set", "timesheet.remark_added", "timesheet.offered", "timesheet.rejected",
		"timesheet.line_set", "timesheet.offered", "timesheet.step_approved", "timesheet.step_approved", "timesheet.approved", "timesheet.imported"}
	if len(types) != len(want) {
		t.Fatalf("history = %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("history = %v, want %v", types, want)
		}
	}
}
