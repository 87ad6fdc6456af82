package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/internal/apptest"
	"backoffice/internal/demo"
	rmts "backoffice/readmodel/timesheets"
)

// TestDemoShowsEveryStatus: after the demo's seed (as make run does it)
// the bakery's client sees every status of the manual's home page but
// Geïmporteerd (the back office's export makes that one), and last week
// holds one timesheet waiting for the bakery, one for the intermediary and
// one back with the worker, with the rejection's reason.
func TestDemoShowsEveryStatus(t *testing.T) {
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // Wednesday of 2026-W10
	e := apptest.New(t, apptest.Options{Now: now, Demo: true, DemoPayroll: true})
	ctx := context.Background()
	q, err := rmts.NewQueries(e.Pool, e.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	as := func(email string) domain.Actor {
		t.Helper()
		acc, err := e.App.Identity.Auth.AccountByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return domain.Actor{AccountID: acc.AccountID, Role: acc.Role}.WithTenant(acc.TenantID)
	}
	kees, anna := as(demo.BakeryContactMail), as("anna@flexwerk.example.nl")

	ov, err := q.Overview(ctx, kees)
	if err != nil {
		t.Fatal(err)
	}
	// Two approved weeks of six workers, and last week's four.
	want := rmts.Overview{Open: 1, Offered: 2, Rejected: 1, NotApproved: 4, Approved: 12}
	if ov != want {
		t.Fatalf("the bakery's overview %+v, want %+v", ov, want)
	}
	waiting := func(a domain.Actor) []string {
		t.Helper()
		p, err := q.List(ctx, a, rmts.Filter{WaitingForMe: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range p.Items {
			out = append(out, s.PlacementID+" "+s.Week+" "+s.Status)
		}
		slices.Sort(out)
		return out
	}
	if got := waiting(kees); !slices.Equal(got, []string{"demo-placement-04 2026-W09 offered"}) {
		t.Errorf("waiting for Kees: %v", got)
	}
	if got := waiting(anna); !slices.Equal(got, []string{"demo-placement-06 2026-W09 offered"}) {
		t.Errorf("waiting for Anna: %v", got)
	}
	pieter := as("pieter.jong@example.nl")
	if got := waiting(pieter); !slices.Equal(got, []string{"demo-placement-03 2026-W09 rejected"}) {
		t.Errorf("waiting for Pieter: %v", got)
	}
	d, err := q.Detail(ctx, pieter, "demo-placement-03", ts.ISOWeek{Year: 2026, Week: 9})
	if err != nil {
		t.Fatal(err)
	}
	if d.Rejection == nil || d.Rejection.Reason != demo.RejectReason {
		t.Errorf("the rejected week's rejection %+v", d.Rejection)
	}
}
