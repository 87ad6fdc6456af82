package timesheet_test

import (
	"reflect"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

func TestOfferApproveReject(t *testing.T) {
	terms := baseTerms()
	// offerAt is the worker offering, approveAt the last step approving, at a given time.
	offerAt := func(when time.Time) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return a.Offer(worker, terms, ts.AdjacentWeeks{}, when) }
	}
	approveAt := func(when time.Time) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.Approve(intermediary, terms, 1, a.OfferedHash(), when)
		}
	}
	approveWith := func(actor domain.Actor, step int, hash func(*ts.Timesheet) string) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return a.Approve(actor, terms, step, hash(a), now) }
	}
	offeredHash := func(a *ts.Timesheet) string { return a.OfferedHash() }
	clientOnly := baseTerms()
	clientOnly.Chain = []domain.Role{domain.RoleClient}

	runCases(t, []aggCase{
		// Offer.
		{name: "nothing to offer", when: offer(worker, terms), code: "nothing_to_offer", kind: domain.KindRule},
		{name: "only zero lines", given: []cmd{setLine(worker, terms, "N", days())}, when: offer(worker, terms), code: "nothing_to_offer", kind: domain.KindRule},
		{
			name: "offer", given: []cmd{stdLine}, when: offer(worker, terms), types: []string{ts.TypeOffered},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				o := evs[0].(*ts.Offered)
				if o.Round != 1 || o.Hash != a.ContentHash() || len(o.Hash) != 64 || o.Next != domain.RoleClient ||
					!reflect.DeepEqual(o.Chain, terms.Chain) || o.TotalMinutes != 2400 || o.Late ||
					!o.Deadline.Equal(time.Date(2026, 2, 3, 0, 0, 0, 0, ams)) {
					t.Fatalf("%+v", o)
				}
				if p, ok := a.NextParty(); !ok || p != domain.RoleClient || a.Status() != ts.StatusOffered || a.Status().LabelNL() != "Aangeboden" {
					t.Fatalf("next %v status %v", p, a.Status())
				}
			},
		},
		{
			name: "offered on Monday 23:59 is in time", given: []cmd{stdLine},
			when: offerAt(time.Date(2026, 2, 2, 23, 59, 59, 0, ams)), types: []string{ts.TypeOffered},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if evs[0].(*ts.Offered).Late || a.OfferedLate() {
					t.Fatal("late")
				}
			},
		},
		{
			name: "offered on Tuesday 00:00 is late", given: []cmd{stdLine},
			when: offerAt(time.Date(2026, 2, 3, 0, 0, 0, 0, ams)), types: []string{ts.TypeOffered},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if !evs[0].(*ts.Offered).Late || !a.OfferedLate() {
					t.Fatal("not late")
				}
			},
		},
		{name: "offer twice", given: offered, when: offer(worker, terms), code: "already_offered", kind: domain.KindConflict},
		{name: "offer when approved", given: approved, when: offer(worker, terms), code: "timesheet_approved", kind: domain.KindConflict},
		{name: "client cannot offer the worker's hours", given: []cmd{stdLine}, when: offer(client, terms), code: "not_the_enterer", kind: domain.KindForbidden},
		{name: "back office can offer", given: []cmd{stdLine}, when: offer(backoffice, terms), types: []string{ts.TypeOffered}},

		// Approve.
		{
			name: "first step approves", given: offered, when: approve(client, terms), types: []string{ts.TypeStepApproved},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				s := evs[0].(*ts.StepApproved)
				if s.Step != 0 || s.Party != domain.RoleClient || s.By != domain.RoleClient || s.Next != domain.RoleIntermediary || s.Hash != a.OfferedHash() || s.Round != 1 {
					t.Fatalf("%+v", s)
				}
				want := []ts.Step{{Index: 0, Party: domain.RoleClient, Approved: true, By: domain.RoleClient}, {Index: 1, Party: domain.RoleIntermediary}}
				if p, _ := a.NextParty(); p != domain.RoleIntermediary || a.Status() != ts.StatusOffered || !reflect.DeepEqual(a.Steps(), want) {
					t.Fatalf("next %v steps %+v", p, a.Steps())
				}
			},
		},
		{
			name: "last step approves the timesheet", given: step1, when: approve(intermediary, terms),
			types: []string{ts.TypeStepApproved, ts.TypeApproved},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				ap := evs[1].(*ts.Approved)
				wantAllow := ts.Allowances{DaysWorked: 5, MinutesWorked: 2400, PerDayCents: 1250, PerHourCents: 1400, TotalCents: 2650}
				if ap.Hash != a.OfferedHash() || ap.TotalMinutes != 2400 || len(ap.Lines) != 1 || ap.Allowances != wantAllow || ap.Late || ap.Expenses == nil {
					t.Fatalf("%+v", ap)
				}
				if _, ok := a.NextParty(); ok || a.Status() != ts.StatusApproved || a.Status().NotApproved() {
					t.Fatalf("status %v", a.Status())
				}
			},
		},
		{
			name: "single-step chain", given: []cmd{stdLine, offer(worker, clientOnly)},
			when: func(a *ts.Timesheet) ([]domain.Event, error) {
				return a.Approve(client, clientOnly, 0, a.OfferedHash(), now)
			},
			types: []string{ts.TypeStepApproved, ts.TypeApproved},
		},
		{
			name: "approved after Wednesday 10:00 is late", given: step1,
			when: approveAt(time.Date(2026, 2, 4, 10, 0, 0, 0, ams)), types: []string{ts.TypeStepApproved, ts.TypeApproved},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if !evs[1].(*ts.Approved).Late || !a.ApprovedLate() {
					t.Fatal("not late")
				}
			},
		},
		{
			name: "approved Wednesday 09:59 is in time", given: step1,
			when: approveAt(time.Date(2026, 2, 4, 9, 59, 0, 0, ams)), types: []string{ts.TypeStepApproved, ts.TypeApproved},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if a.ApprovedLate() {
					t.Fatal("late")
				}
			},
		},
		{name: "wrong party for the step", given: offered, when: approve(intermediary, terms), code: "not_your_step", kind: domain.KindForbidden},
		{name: "worker cannot approve", given: offered, when: approve(worker, terms), code: "not_your_step", kind: domain.KindForbidden},
		{name: "back office may approve any step", given: offered, when: approve(backoffice, terms), types: []string{ts.TypeStepApproved}},
		{name: "second approval of the same step", given: step1, when: approveWith(client, 0, offeredHash), code: "step_already_approved", kind: domain.KindConflict},
		{name: "a step not yet due", given: offered, when: approveWith(intermediary, 1, offeredHash), code: "step_mismatch", kind: domain.KindConflict},
		{name: "approval bound to the content", given: offered, when: approveWith(client, 0, func(*ts.Timesheet) string { return "deadbeef" }), code: "content_changed", kind: domain.KindConflict},
		{name: "hash is required", given: offered, when: approveWith(client, 0, func(*ts.Timesheet) string { return "" }), code: "hash_required", kind: domain.KindInvalid},
		{name: "approve when open", given: []cmd{stdLine}, when: approveWith(client, 0, func(*ts.Timesheet) string { return "x" }), code: "not_offered", kind: domain.KindConflict},
		{name: "approve when rejected", given: rejected, when: approveWith(client, 0, offeredHash), code: "not_offered", kind: domain.KindConflict},
		{name: "approve when approved", given: approved, when: approveWith(intermediary, 1, offeredHash), code: "already_approved", kind: domain.KindConflict},
		{
			name:  "an approval of an earlier offer does not carry over",
			given: append(rejected[:3:3], setLine(worker, terms, "N", days(480, 420, 480, 480, 480)), offer(worker, terms)),
			when: func(a *ts.Timesheet) ([]domain.Event, error) {
				old := load(t, history(t, offered...)).OfferedHash()
				return a.Approve(client, terms, 0, old, now)
			},
			code: "content_changed", kind: domain.KindConflict,
		},

		// Reject.
		{
			name: "client rejects", given: offered, when: reject(client, terms, "  Dinsdag klopt niet "),
			want: []domain.Event{&ts.Rejected{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient,
				Reason: "Dinsdag klopt niet", ReturnedTo: domain.RoleWorker, Hash: load(t, history(t, offered...)).OfferedHash()}},
			types: []string{ts.TypeRejected},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				r, ok := a.Rejection()
				if !ok || r.Reason != "Dinsdag klopt niet" || a.Status() != ts.StatusRejected || a.Status().LabelNL() != "Afgekeurd" {
					t.Fatalf("%+v %v", r, a.Status())
				}
			},
		},
		{name: "intermediary rejects after the client approved", given: step1, when: reject(intermediary, terms, "Te veel uren"), types: []string{ts.TypeRejected}},
		{name: "reject needs a reason", given: offered, when: reject(client, terms, " "), code: "reason_required", kind: domain.KindInvalid},
		{name: "reject by the wrong party", given: offered, when: reject(intermediary, terms, "nee"), code: "not_your_step", kind: domain.KindForbidden},
		{name: "reject when open", given: []cmd{stdLine}, when: reject(client, terms, "nee"), code: "not_offered", kind: domain.KindConflict},
		{name: "reject when approved", given: approved, when: reject(intermediary, terms, "nee"), code: "already_approved", kind: domain.KindConflict},
		{
			name: "offering again restarts the chain", given: rejected, when: offer(worker, terms), types: []string{ts.TypeOffered},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if o := evs[0].(*ts.Offered); o.Round != 2 || o.Next != domain.RoleClient {
					t.Fatalf("%+v", o)
				}
				if _, ok := a.Rejection(); ok || a.Steps()[0].Approved {
					t.Fatal("rejection or approvals survived the new offer")
				}
			},
		},
		{
			name: "rejected at the second step restarts at the first", given: append(step1[:3:3], reject(intermediary, terms, "nee")),
			when: offer(worker, terms), types: []string{ts.TypeOffered},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if s, _ := a.NextStep(); s != 0 {
					t.Fatalf("step %d", s)
				}
			},
		},

		// Imported.
		{
			name: "payroll marks imported", given: approved, when: imported("batch-1"),
			want:  []domain.Event{&ts.Imported{Hash: load(t, history(t, approved...)).OfferedHash(), ImportBatch: "batch-1"}},
			types: []string{ts.TypeImported},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if a.Status() != ts.StatusImported || a.ImportBatch() != "batch-1" {
					t.Fatal(a.Status())
				}
			},
		},
		{name: "same batch again records nothing", given: importedH, when: imported("batch-1")},
		{name: "another batch", given: importedH, when: imported("batch-2"), code: "already_imported", kind: domain.KindConflict},
		{name: "not approved", given: step1, when: imported("batch-1"), code: "not_approved", kind: domain.KindConflict},
		{name: "batch required", given: approved, when: imported(" "), code: "import_batch_required", kind: domain.KindInvalid},
		{
			name: "only payroll", given: approved,
			when: func(a *ts.Timesheet) ([]domain.Event, error) { return a.MarkImported(intermediary, now, "b") },
			code: "payroll_only", kind: domain.KindForbidden,
		},
	})
}

// Two approvers load the same state and act at once. The domain cannot see
// the other; the store's optimistic concurrency lets one append win. The
// loser reloads, retries and gets a conflict: exactly one approval.
func TestConcurrentApprovals(t *testing.T) {
	given := history(t, offered...)
	a1, a2 := load(t, given), load(t, given)
	hash := a1.OfferedHash()
	won, err := a1.Approve(client, baseTerms(), 0, hash, now)
	if err != nil || len(won) != 1 {
		t.Fatal(err)
	}
	if _, err := a2.Approve(client, baseTerms(), 0, hash, now); err != nil {
		t.Fatal("the loser's decision is refused by the store, not the domain")
	}
	retry := load(t, append(given, won...))
	_, err = retry.Approve(client, baseTerms(), 0, hash, now)
	wantErr(t, err, "step_already_approved", domain.KindConflict)
	// A different party racing for the same step after the first won.
	_, err = retry.Approve(backoffice, baseTerms(), 0, hash, now)
	wantErr(t, err, "step_already_approved", domain.KindConflict)
}

func TestContentHash(t *testing.T) {
	terms := baseTerms()
	base := history(t, stdLine, setLine(worker, terms, "O125", days(60)))
	h := load(t, base).ContentHash()
	if h != load(t, base).ContentHash() {
		t.Fatal("not deterministic")
	}
	// Order of lines does not matter, nor an all-zero line.
	reordered := history(t, setLine(worker, terms, "O125", days(60)), stdLine, setLine(worker, terms, "V", days()))
	if load(t, reordered).ContentHash() != h {
		t.Fatal("hash depends on line order or on empty lines")
	}
	changes := map[string]cmd{
		"minutes": setLine(worker, terms, "O125", days(61)),
		"line":    setLine(worker, terms, "V", days(0, 0, 0, 0, 0, 480)),
		"wipe":    func(a *ts.Timesheet) ([]domain.Event, error) { return a.WipeLine(worker, terms, "O125", now) },
		"remark":  func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddRemark(worker, terms, "x", now) },
		"expense": func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.AddExpense(worker, terms, ts.ExpenseInput{Type: ts.ExpenseParking, Date: week.Day(0), AmountCents: 1}, now)
		},
	}
	seen := map[string]string{h: "base"}
	for name, c := range changes {
		a := load(t, base)
		if _, err := c(a); err != nil {
			t.Fatal(name, err)
		}
		if prev, dup := seen[a.ContentHash()]; dup {
			t.Errorf("%s: same hash as %s", name, prev)
		}
		seen[a.ContentHash()] = name
	}
	// Same hours in another placement or week hash differently.
	other := baseTerms()
	other.PlacementID = "pl-2"
	if load(t, history(t, setLine(worker, other, "N", days(480, 480, 480, 480, 480)), setLine(worker, other, "O125", days(60)))).ContentHash() == h {
		t.Error("hash ignores the placement")
	}
	// Time entries count, by their input.
	tr := trTerms()
	e1 := load(t, history(t, addEntry(worker, tr, week.Day(0), "08:00", "16:00", 0, false))).ContentHash()
	e2 := load(t, history(t, addEntry(worker, tr, week.Day(0), "08:00", "16:00", 0, true))).ContentHash()
	if e1 == e2 {
		t.Error("hash ignores the continuous flag")
	}
}

func TestAllowances(t *testing.T) {
	tests := []struct {
		worked [7]ts.Minutes
		rates  ts.AllowanceRates
		want   ts.Allowances
	}{
		{days(), ts.AllowanceRates{PerDayCents: 500, PerHourCents: 100}, ts.Allowances{}},
		{days(480, 0, 30), ts.AllowanceRates{PerDayCents: 500}, ts.Allowances{DaysWorked: 2, MinutesWorked: 510, PerDayCents: 1000, TotalCents: 1000}},
		{days(450), ts.AllowanceRates{PerHourCents: 35}, ts.Allowances{DaysWorked: 1, MinutesWorked: 450, PerHourCents: 263, TotalCents: 263}}, // 262.5 rounds up
		{days(1), ts.AllowanceRates{PerHourCents: 29}, ts.Allowances{DaysWorked: 1, MinutesWorked: 1, PerHourCents: 0, TotalCents: 0}},         // 0.48 rounds down
		{days(60, 60), ts.AllowanceRates{PerDayCents: -5, PerHourCents: -5}, ts.Allowances{DaysWorked: 2, MinutesWorked: 120}},
	}
	for i, tt := range tests {
		if got := ts.ComputeAllowances(tt.worked, tt.rates); got != tt.want {
			t.Errorf("%d: %+v, want %+v", i, got, tt.want)
		}
	}
	// Absence hours (leave) earn no allowance; worked lines and entries do.
	terms := trTerms()
	a := load(t, history(t,
		setLine(worker, terms, "V", days(480)),
		setLine(worker, terms, "O125", days(0, 60)),
		addEntry(worker, terms, week.Day(1), "08:00", "12:00", 0, false),
	))
	if got := a.WorkedPerDay(); got != days(0, 300) {
		t.Fatalf("worked %v", got)
	}
	if got := a.Allowances(ts.AllowanceRates{PerDayCents: 100, PerHourCents: 60}); got.TotalCents != 100+300 {
		t.Fatalf("%+v", got)
	}
}
