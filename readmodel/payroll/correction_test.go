package payroll_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/readmodel/payroll"
)

// correctedEvents are sheetEvents of pa followed by a reopening, a second
// round approved and imported.
func correctedEvents(t testing.TB) []eventstore.RecordedEvent {
	evs := sheetEvents(t, "pa", 5, 10)
	stream := evs[0].Stream
	line := ts.Line{HourType: ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}, Minutes: [7]ts.Minutes{480, 420}}
	return append(evs,
		rec(t, stream, 4, 14, &ts.Reopened{Round: 1, Reason: "dinsdag", By: domain.RoleBackoffice, ReturnedTo: domain.RoleWorker,
			ImportBatch: "b1", Hash: "hash-pa"}),
		rec(t, stream, 5, 15, &ts.LineSet{Line: line}),
		rec(t, stream, 6, 16, &ts.Approved{Round: 2, Hash: "hash-pa-2", Lines: []ts.Line{line}, Expenses: []ts.Expense{},
			DayTotals: [7]ts.Minutes{480, 420}, TotalMinutes: 900, Deadline: now}),
		rec(t, stream, 7, 17, &ts.Imported{Hash: "hash-pa-2", ImportBatch: "b2"}),
	)
}

func rows(t *testing.T, items []payroll.Item) string {
	var s string
	for _, it := range items {
		s += fmt.Sprintf("%s r%d %s imported=%t %s of=%s total=%d|", it.Placement, it.Round, it.Hash, it.Imported, it.ImportBatch,
			it.CorrectionOf, it.TotalMinutes)
	}
	return s
}

// A correction is its own feed row, whether the events arrive one at a
// time (live) or all in one batch (a rebuild), and delivered again they
// change nothing; before its import it is in the default feed, the
// corrected round is not.
func TestFeedCorrectionRows(t *testing.T) {
	evs := correctedEvents(t)
	want := "pa r1 hash-pa imported=true b1 of= total=960|pa r2 hash-pa-2 imported=true b2 of=b1 total=900|"

	live := newPool(t)
	for i := range evs {
		apply(t, live, evs[i])
		if i == 6 { // approved, not yet imported
			pending := feed(t, live, payroll.FeedRequest{})
			if len(pending) != 1 || pending[0].Round != 2 || pending[0].CorrectionOf != "b1" {
				t.Fatalf("pending before the correction's import: %s", rows(t, pending))
			}
		}
	}
	if got := rows(t, feed(t, live, payroll.FeedRequest{IncludeImported: true})); got != want {
		t.Fatalf("live:\n%s\nwant\n%s", got, want)
	}
	apply(t, live, evs...) // again: nothing changes
	if got := rows(t, feed(t, live, payroll.FeedRequest{IncludeImported: true})); got != want {
		t.Fatalf("redelivered:\n%s", got)
	}

	rebuilt := newPool(t)
	apply(t, rebuilt, evs...)
	if got := rows(t, feed(t, rebuilt, payroll.FeedRequest{IncludeImported: true})); got != want {
		t.Fatalf("one batch:\n%s\nwant\n%s", got, want)
	}

	// A second approval without a reopening is still refused.
	bad := sheetEvents(t, "pb", 5, 30)
	second := rec(t, bad[0].Stream, 4, 40, &ts.Approved{Round: 2, Hash: "x", Lines: []ts.Line{}, Expenses: []ts.Expense{}, Deadline: now})
	err := pgx.BeginFunc(context.Background(), rebuilt, func(tx pgx.Tx) error {
		return payroll.NewFeed().HandleBatch(context.Background(), tx, append(bad, second))
	})
	if err == nil {
		t.Fatal("a second approval without a reopening was stored")
	}
}
