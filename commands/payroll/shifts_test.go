package payroll_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/internal/apitest"
)

// TestShiftsOverTheAutumnClockChange: a worker with time registration
// works a 24-hour shift from Saturday 24 October 2026 08:00 through the
// night the clocks go back (25 real hours) and a night shift on Friday
// 22:00–06:00 (8 hours). Payroll pays real hours: every file shows 25
// hours on Saturday (before, the domain refused the 25th hour and the
// export refused a day over 24 hours as a malformed item).
func TestShiftsOverTheAutumnClockChange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	monday := time.Date(2026, 10, 26, 12, 0, 0, 0, time.UTC)
	e.now.Store(&monday)
	w, c := nightShiftSetUp(t, e, "2026-10-01")
	target := tscmd.Target{PlacementID: "pn", Week: ts.ISOWeek{Year: 2026, Week: 43}}
	clock := func(s string) ts.Clock { v, _ := ts.ParseClock(s); return v }
	for _, in := range []ts.EntryInput{
		{Date: ts.NewDate(2026, 10, 23), Start: clock("22:00"), End: clock("06:00")},
		{Date: ts.NewDate(2026, 10, 24), Start: clock("08:00"), End: clock("08:00"), Shift24h: true},
	} {
		if _, _, err := e.ts.AddEntry(ctx, w, tscmd.AddEntry{Target: target, Entry: in}); err != nil {
			t.Fatal(err)
		}
	}
	e.must(e.ts.Offer(ctx, w, tscmd.Offer{Target: target}))
	e.must(e.ts.Approve(ctx, c, tscmd.Approve{Target: target}))
	e.caughtUp()

	p, err := pay.ParsePeriod("2026-W43")
	if err != nil {
		t.Fatal(err)
	}
	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "ct", Period: p})
	if err != nil {
		t.Fatal(err)
	}
	batch := created[0].BatchID
	if got := string(e.file(batch, payrollfile.Easyflex)); !strings.Contains(got, "77;;23-10-2026;U100;8,00;") || !strings.Contains(got, "77;;24-10-2026;U100;25,00;") {
		t.Errorf("Easyflex:\n%s", got)
	}
	if got := string(e.file(batch, payrollfile.Loket)); !strings.Contains(got, "1001;77;;33,00") {
		t.Errorf("Loket:\n%s", got)
	}
	if got := string(e.file(batch, payrollfile.JSONL)); !strings.Contains(got, `"minutes":[0,0,0,0,480,1500,0]`) {
		t.Errorf("JSON lines:\n%s", got)
	}
	x, err := excelize.OpenReader(bytes.NewReader(e.file(batch, payrollfile.Nmbrs)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(payrollfile.NmbrsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(rows[len(rows)-1], ";"), "33") {
		t.Errorf("Nmbrs rows %v", rows)
	}
}

// nightShiftSetUp seeds client ct (time registration, entered by the
// worker, approved by the client) with weekly Loket payroll settings and a
// mapping of its normal hours, and worker wn placed there from start (pn,
// personnel number 77); it returns the worker's and the client's meta.
func nightShiftSetUp(t *testing.T, e *env, start string) (w, c commands.Meta) {
	t.Helper()
	ctx := context.Background()
	e.seed(client.Stream("ct"), &client.Registered{ClientID: "ct", IntermediaryID: "i1", Name: "Nachtdienst BV", KvK: "87654321",
		AgreementFrom: apitest.Day("2025-01-01"), Agreement: client.Agreement{
			HourTypes:      []client.HourType{{Code: "100", Name: "Normale uren", Percentage: 100}},
			NormalHourType: "100", EnteredBy: domain.RoleWorker, TimeRegistration: true,
			ApprovalChain: []domain.Role{domain.RoleClient}}})
	e.must(e.pay.SetSettings(ctx, backoffice, paycmd.SetSettings{ClientID: "ct", Settings: pay.Settings{Administration: "1001", Period: pay.PeriodWeek, Package: pay.TargetLoket}}))
	e.must(e.pay.SetMapping(ctx, backoffice, paycmd.SetMapping{ClientID: "ct", ValidFrom: "2026-01-05",
		Entries: []pay.Mapping{{Kind: pay.SourceHours, Code: "100", Loket: "1", Nmbrs: "U100", Easyflex: "U100"}}}))
	e.seed(worker.Stream("wn"), &worker.Registered{WorkerID: "wn", ClientID: "ct", Name: worker.Name{First: "Nacht", Last: "Werker"},
		Email: "wn@example.nl", Function: "Bewaker"})
	e.seed(placement.Stream("pn"), &placement.Started{PlacementID: "pn", WorkerID: "wn", ClientID: "ct", IntermediaryID: "i1",
		Function: "Bewaker", Start: apitest.Day(start)})
	e.must(e.pay.SetPersonnelNumber(ctx, backoffice, paycmd.SetPersonnelNumber{WorkerID: "wn", Administration: "1001", PersonnelNumber: "77"}))

	w = commands.Meta{Actor: domain.Actor{AccountID: "acc-wn", Role: domain.RoleWorker, WorkerID: "wn"}}
	c = commands.Meta{Actor: domain.Actor{AccountID: "acc-ct", Role: domain.RoleClient, ClientID: "ct"}}
	return w, c
}
