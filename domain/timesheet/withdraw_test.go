package timesheet_test

import (
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

func withdraw(actor domain.Actor, terms ts.Terms) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) { return a.WithdrawOffer(actor, terms, now) }
}

func TestWithdrawOffer(t *testing.T) {
	terms := baseTerms()
	runCases(t, []aggCase{
		{
			name: "the enterer withdraws an offer nobody approved", given: offered, when: withdraw(worker, terms),
			types: []string{ts.TypeOfferWithdrawn},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				w := evs[0].(*ts.OfferWithdrawn)
				if w.Round != 1 || w.By != domain.RoleWorker || len(w.Hash) != 64 {
					t.Fatalf("%+v", w)
				}
				if a.Status() != ts.StatusOpen || !a.Status().Editable() {
					t.Fatalf("status %s after withdrawing", a.Status())
				}
				if _, ok := a.NextParty(); ok {
					t.Fatal("still someone's turn to approve")
				}
			},
		},
		{name: "the back office may", given: offered, when: withdraw(backoffice, terms), types: []string{ts.TypeOfferWithdrawn}},
		{name: "the approver may not", given: offered, when: withdraw(client, terms), code: "not_the_enterer", kind: domain.KindForbidden},
		{name: "after the first step approved", given: step1, when: withdraw(worker, terms), code: "offer_partly_approved", kind: domain.KindConflict},
		{name: "approved", given: approved, when: withdraw(worker, terms), code: "already_approved", kind: domain.KindConflict},
		{name: "not offered", given: []cmd{stdLine}, when: withdraw(worker, terms), code: "not_offered", kind: domain.KindConflict},
		{name: "rejected", given: rejected, when: withdraw(worker, terms), code: "not_offered", kind: domain.KindConflict},
		{
			name: "edit and offer again: the next round", given: append(offered[:2:2], withdraw(worker, terms), setLine(worker, terms, "N", days(480))),
			when: offer(worker, terms), types: []string{ts.TypeOffered},
			check: func(t *testing.T, a *ts.Timesheet, evs []domain.Event) {
				if o := evs[0].(*ts.Offered); o.Round != 2 || o.TotalMinutes != 480 {
					t.Fatalf("%+v", o)
				}
			},
		},
		{
			name: "the withdrawn content cannot be approved", given: append(offered[:2:2], withdraw(worker, terms)),
			when: approve(client, terms), code: "not_offered", kind: domain.KindConflict,
		},
	})
}

func TestMayWithdrawOffer(t *testing.T) {
	for _, c := range []struct {
		name      string
		actor     domain.Actor
		enteredBy domain.Role
		status    ts.Status
		approved  int
		want      bool
	}{
		{"the enterer, nobody approved", worker, domain.RoleWorker, ts.StatusOffered, 0, true},
		{"the back office", backoffice, domain.RoleWorker, ts.StatusOffered, 0, true},
		{"the approver", client, domain.RoleWorker, ts.StatusOffered, 0, false},
		{"a step approved", worker, domain.RoleWorker, ts.StatusOffered, 1, false},
		{"open", worker, domain.RoleWorker, ts.StatusOpen, 0, false},
		{"rejected", worker, domain.RoleWorker, ts.StatusRejected, 0, false},
		{"approved", worker, domain.RoleWorker, ts.StatusApproved, 0, false},
	} {
		if got := ts.MayWithdrawOffer(c.actor, c.enteredBy, c.status, c.approved); got != c.want {
			t.Errorf("%s: MayWithdrawOffer = %v, want %v", c.name, got, c.want)
		}
	}
}
