package payroll_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/readmodel/payroll"
)

// TestOverviewQueries: the backlog per client and week, the corrections
// waiting (reopened, then approved and not imported) and a timesheet's
// rounds; everyone but payroll and back office gets ErrNotFound and no
// rows.
func TestOverviewQueries(t *testing.T) {
	pool := newPool(t)
	q, err := payroll.NewQueries(pool)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bo := domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}
	corrected := correctedEvents(t)
	// pb approved, not imported, in week 6; pa reopened (not approved again yet).
	pb := sheetEvents(t, "pb", 6, 30)[:3]
	apply(t, pool, slices.Concat(corrected[:5], pb)...)

	weeks, err := q.BacklogWeeks(ctx, bo)
	if err != nil || len(weeks) != 1 || weeks[0].ClientID != "c1" || weeks[0].Week != (ts.ISOWeek{Year: 2026, Week: 6}) ||
		weeks[0].Timesheets != 1 || weeks[0].Corrections != 0 {
		t.Fatalf("backlog weeks: %+v %v", weeks, err)
	}
	cs, err := q.Corrections(ctx, bo)
	if err != nil || len(cs) != 1 || cs[0].Placement != "pa" || cs[0].State != payroll.CorrectionReopened || cs[0].Of != "b1" {
		t.Fatalf("reopened: %+v %v", cs, err)
	}
	// Round 2 approved: a correction waiting for an export, in the backlog.
	apply(t, pool, corrected[5:7]...)
	cs, err = q.Corrections(ctx, bo)
	if err != nil || len(cs) != 1 || cs[0].State != payroll.CorrectionApproved || cs[0].Of != "b1" {
		t.Fatalf("approved correction: %+v %v", cs, err)
	}
	weeks, _ = q.BacklogWeeks(ctx, bo)
	if len(weeks) != 2 || weeks[0].Week.Week != 5 || weeks[0].Corrections != 1 {
		t.Fatalf("backlog weeks with the correction: %+v", weeks)
	}
	rounds, err := q.Rounds(ctx, bo, "pa", ts.ISOWeek{Year: 2026, Week: 5})
	if err != nil || len(rounds) != 2 || !rounds[0].Imported || rounds[0].ImportBatch != "b1" || rounds[1].Imported ||
		rounds[1].CorrectionOf != "b1" || rounds[0].Lines[0].Minutes[1] != 480 || rounds[1].Lines[0].Minutes[1] != 420 {
		t.Fatalf("rounds: %+v %v", rounds, err)
	}
	// Imported: nothing waits any more.
	apply(t, pool, corrected[7])
	if cs, _ := q.Corrections(ctx, bo); len(cs) != 0 {
		t.Fatalf("after the correction's import: %+v", cs)
	}

	for _, a := range []domain.Actor{
		{AccountID: "c", Role: domain.RoleClient, ClientID: "c1"},
		{AccountID: "i", Role: domain.RoleIntermediary, IntermediaryID: "i1"},
		{AccountID: "w", Role: domain.RoleWorker, WorkerID: "w-pa"},
		{AccountID: "a", Role: domain.RoleAuditor},
	} {
		w, err1 := q.BacklogWeeks(ctx, a)
		c, err2 := q.Corrections(ctx, a)
		r, err3 := q.Rounds(ctx, a, "pa", ts.ISOWeek{Year: 2026, Week: 5})
		for _, err := range []error{err1, err2, err3} {
			if !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%s: %v", a.Role, err)
			}
		}
		if len(w)+len(c)+len(r) != 0 {
			t.Errorf("%s: rows leaked", a.Role)
		}
	}
}
