package payroll_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
	rm "backoffice/readmodel/payroll"
)

// A correction after import: the back office reopens an imported
// timesheet, the worker changes it, the client approves it again (a new
// round), and the next export carries exactly the difference, flagged with
// the original batch; the first batch's files and the other worker's
// timesheet do not change; the feed shows the correction as its own row.
func TestCorrectionAfterImport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.workedWeek5(1, "101", fullWeek)
	e.workedWeek5(2, "102", fullWeek)
	e.caughtUp()
	_, first, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	batch1 := first[0].BatchID
	e.must(pick(e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: batch1})))
	before := map[payrollfile.Format][]byte{}
	for _, f := range payrollfile.Formats {
		before[f] = e.file(batch1, f)
	}

	target := tscmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 5}}
	if _, err := e.pay.Reopen(ctx, payrollBot, tscmd.Reopen{Target: target, Reason: "x"}); code(err) != "no_such_endpoint" {
		t.Fatalf("payroll token reopened: %v", err)
	}
	e.must(e.pay.Reopen(ctx, backoffice, tscmd.Reopen{Target: target, Reason: "Dinsdag was 7 uur, zaterdag 2 uur gewerkt"}))
	// Tuesday 8 → 7 hours, Saturday 0 → 2 hours.
	e.approve(1, 5, [7]ts.Minutes{480, 420, 480, 480, 480, 120})
	e.caughtUp()

	_, second, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	batch2 := second[0].BatchID
	if second[0].Items != 1 {
		t.Fatalf("the correction batch has %d timesheets, want only the corrected one", second[0].Items)
	}
	wantEasyflex := "werknemer;relatie;datum;looncomponent;aantal;correctie_op\r\n" +
		"101;;27-01-2026;U100;-1,00;" + batch1 + "\r\n" +
		"101;;31-01-2026;U100;2,00;" + batch1 + "\r\n"
	if got := string(e.file(batch2, payrollfile.Easyflex)); got != wantEasyflex {
		t.Errorf("easyflex:\n%s\nwant\n%s", got, wantEasyflex)
	}
	// Loket takes absolute totals per period: the new total of worker 101
	// (40 - 1 + 2), nothing for 102.
	if got, want := string(e.file(batch2, payrollfile.Loket)), "aanslnr;persnr;ploeg;1\r\n1001;101;;41,00\r\n"; got != want {
		t.Errorf("loket %q, want %q", got, want)
	}
	jl := string(e.file(batch2, payrollfile.JSONL))
	if strings.Count(jl, "\n") != 1 || !strings.Contains(jl, `"minutes":[0,-60,0,0,0,120,0]`) ||
		!strings.Contains(jl, `"correction":{"original_batch":"`+batch1+`","original_round":1}`) || !strings.Contains(jl, `"round":2`) {
		t.Errorf("jsonl %s", jl)
	}
	for f, b := range before {
		if !bytes.Equal(e.file(batch1, f), b) {
			t.Errorf("%s of the first batch changed", f)
		}
	}

	// Confirming imports the correction; the feed has both rounds.
	res, marked, failed, err := e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: batch2})
	if err != nil || marked != 1 || len(failed) != 0 {
		t.Fatalf("confirm: %d %v %v", marked, failed, err)
	}
	e.must(res, nil)
	e.caughtUp()
	q, _ := rm.NewQueries(e.pool)
	page, err := q.Feed(ctx, payrollBot.Actor, rm.FeedRequest{IncludeImported: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, it := range page.Items {
		rows = append(rows, it.Placement+"/"+itoa(it.Round)+"/"+it.ImportBatch+"/"+it.CorrectionOf)
	}
	want := []string{"p1/1/" + batch1 + "/", "p2/1/" + batch1 + "/", "p1/2/" + batch2 + "/" + batch1}
	if strings.Join(rows, " ") != strings.Join(want, " ") {
		t.Fatalf("feed rows %v, want %v", rows, want)
	}
	if _, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5}); code(err) != "nothing_to_export" {
		t.Fatalf("after the correction: %v", err)
	}
}

func pick(res commands.Result, _ int, _ []paycmd.MarkFailure, err error) (commands.Result, error) {
	return res, err
}

func itoa(n int) string { return strconv.Itoa(n) }
