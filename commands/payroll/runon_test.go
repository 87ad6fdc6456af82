package payroll_test

import (
	"context"
	"strings"
	"testing"
	"time"

	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
)

// TestExportOfARunOnThatFollowedTheNextWeek: a continuous Sunday night
// shift of week 5 (22:00–06:00) saved while week 6 was still empty, then
// week 6's Monday shift entered at 07:00: week 5 follows it (9 hours on
// Sunday, booked on the day the shift starts), and the payroll files of
// week 5 pay those 9 hours. Before, week 5 kept its 8 hours until someone
// saved the Sunday shift again.
func TestExportOfARunOnThatFollowedTheNextWeek(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	friday := time.Date(2026, 2, 6, 12, 0, 0, 0, time.UTC)
	e.now.Store(&friday)
	w, c := nightShiftSetUp(t, e, "2026-01-05")
	w05, w06 := ts.ISOWeek{Year: 2026, Week: 5}, ts.ISOWeek{Year: 2026, Week: 6}
	five := tscmd.Target{PlacementID: "pn", Week: w05}
	clock := func(s string) ts.Clock { v, _ := ts.ParseClock(s); return v }
	add := func(tgt tscmd.Target, in ts.EntryInput) {
		t.Helper()
		res, _, err := e.ts.AddEntry(ctx, w, tscmd.AddEntry{Target: tgt, Entry: in})
		e.must(res, err)
	}
	add(five, ts.EntryInput{Date: w05.End(), Start: clock("22:00"), End: clock("06:00"), Continuous: true})
	add(tscmd.Target{PlacementID: "pn", Week: w06}, ts.EntryInput{Date: w06.Start(), Start: clock("07:00"), End: clock("15:00")})
	e.must(e.ts.Offer(ctx, w, tscmd.Offer{Target: five}))
	e.must(e.ts.Approve(ctx, c, tscmd.Approve{Target: five}))
	e.caughtUp()

	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "ct", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	batch := created[0].BatchID
	if got := string(e.file(batch, payrollfile.Easyflex)); !strings.Contains(got, "77;;01-02-2026;U100;9,00;") {
		t.Errorf("Easyflex: want 9,00 hours on Sunday 01-02-2026:\n%s", got)
	}
	if got := string(e.file(batch, payrollfile.JSONL)); !strings.Contains(got, `"minutes":[0,0,0,0,0,0,540]`) {
		t.Errorf("JSON lines:\n%s", got)
	}
}
