package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
	"backoffice/internal/apptest"
	"backoffice/internal/demo"
)

// TestSeedPayrollMakesAnExportableDemo: on the whole application, the
// demo with its payroll set-up has the bakery's two approved weeks in the
// payroll overview, and the export of one holds every bakery worker's
// approved hours and allowance under their personnel numbers (Loket, the
// bakery's package); a garden-centre week approved afterwards exports
// too, with its settings (a month), mapping and personnel number. Seeding
// again changes nothing.
func TestSeedPayrollMakesAnExportableDemo(t *testing.T) {
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // Wednesday of 2026-W10
	// As make run seeds: people, documents, then payroll.
	e := apptest.New(t, apptest.Options{Now: now, Demo: true, DemoPayroll: true})
	ctx := context.Background()
	seed := func() {
		t.Helper()
		if err := demo.SeedPayroll(ctx, e.App.Payroll, e.App.Timesheets, e.App.Identity, e.Store, now); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int { return eventCount(t, e.Pool) }
	before := count()
	seed()
	if after := count(); after != before {
		t.Fatalf("a second SeedPayroll appended %d events", after-before)
	}
	e.WaitForProjections(t)

	acc, err := e.App.Identity.Auth.AccountByEmail(ctx, demo.BackofficeMail)
	if err != nil {
		t.Fatal(err)
	}
	bo := domain.Actor{AccountID: acc.AccountID, Role: acc.Role}
	// PayrollWeeksBack: 2026-W07 and W08, both in February.
	if ts.WeekOf(ts.DateOf(now)) != (ts.ISOWeek{Year: 2026, Week: 10}) {
		t.Fatal("test setup: now is not in 2026-W10")
	}
	bakeryWeek := pay.PeriodOf(pay.PeriodWeek, ts.ISOWeek{Year: 2026, Week: 7})
	gardenMonth := pay.PeriodOf(pay.PeriodMonth, ts.ISOWeek{Year: 2026, Week: 8})

	// The payroll screen's backlog: both weeks of the bakery (6 workers
	// each).
	ov, err := e.App.Payroll.Overview(ctx, bo, nil)
	if err != nil {
		t.Fatal(err)
	}
	backlog := map[string]int{}
	for _, b := range ov.Backlog {
		if !b.HasSettings {
			t.Errorf("%s %s without payroll settings", b.ClientID, b.Period)
		}
		backlog[b.ClientID+" "+b.Period.String()] = b.Timesheets
	}
	want := map[string]int{
		demo.ClientBakery + " 2026-W07": 6, demo.ClientBakery + " 2026-W08": 6,
	}
	if len(backlog) != len(want) {
		t.Fatalf("backlog %v, want %v", backlog, want)
	}
	for k, n := range want {
		if backlog[k] != n {
			t.Fatalf("backlog %v, want %v", backlog, want)
		}
	}

	meta := commands.Meta{Actor: bo, CorrelationID: "demo-test"}
	_, created, _, err := e.App.Payroll.CreateExport(ctx, meta, paycmd.CreateExport{ClientID: demo.ClientBakery, Period: bakeryWeek})
	if err != nil {
		t.Fatalf("export of the bakery's %s: %v", bakeryWeek, err)
	}
	if len(created) != 1 || created[0].Items != 6 {
		t.Fatalf("created %+v, want one batch of 6", created)
	}
	var file bytes.Buffer
	if err := e.App.Payroll.WriteFile(ctx, bo, created[0].BatchID, payrollfile.Loket, &file, nil); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(file.String()), "\n")
	if len(rows) != 1+6 {
		t.Fatalf("Loket file of %d rows:\n%s", len(rows), file.String())
	}
	header := strings.Split(strings.TrimSpace(rows[0]), ";")
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %q", name, rows[0])
		return -1
	}
	hours, perDay := col("1"), col("40")
	for i, row := range rows[1:] {
		f := strings.Split(strings.TrimSpace(row), ";")
		// 5 shifts of 07:00–15:30 with 30 minutes' break: 40 hours; € 3.50 a day.
		if f[0] != demo.AdministrationBakery || f[1] != demo.PersonnelNumber(i+1) || f[hours] != "40,00" ||
			f[perDay] != "17,50" {
			t.Errorf("row %q (header %q)", row, rows[0])
		}
	}

	// Eva's week at the garden centre, entered by its contact with
	// Saturday overtime and approved by the intermediary, as users would.
	actor := func(email string) domain.Actor {
		acc, err := e.App.Identity.Auth.AccountByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return domain.Actor{AccountID: acc.AccountID, Role: acc.Role}.WithTenant(acc.TenantID)
	}
	marieke, anna := actor("marieke@groeneblad.example.nl"), actor("anna@flexwerk.example.nl")
	eva := tscmd.Target{PlacementID: "demo-placement-08", Week: ts.ISOWeek{Year: 2026, Week: 8}}
	if _, err := e.App.Timesheets.SetLines(ctx, commands.Meta{Actor: marieke}, tscmd.SetLines{Target: eva, Lines: []ts.LineInput{
		{HourType: "100", Minutes: [7]ts.Minutes{480, 480, 480, 480, 480}}, {HourType: "125", Minutes: [7]ts.Minutes{5: 240}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Timesheets.Offer(ctx, commands.Meta{Actor: marieke}, tscmd.Offer{Target: eva}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Timesheets.Approve(ctx, commands.Meta{Actor: anna}, tscmd.Approve{Target: eva}); err != nil {
		t.Fatal(err)
	}
	e.WaitForProjections(t)
	_, created, _, err = e.App.Payroll.CreateExport(ctx, meta, paycmd.CreateExport{ClientID: demo.ClientGarden, Period: gardenMonth})
	if err != nil {
		t.Fatalf("export of the garden centre's %s: %v", gardenMonth, err)
	}
	if len(created) != 1 || created[0].Items != 1 {
		t.Fatalf("created %+v, want one batch of 1", created)
	}
	file.Reset()
	if err := e.App.Payroll.WriteFile(ctx, bo, created[0].BatchID, payrollfile.JSONL, &file, nil); err != nil {
		t.Fatal(err)
	}
	var it struct {
		PersonnelNumber string `json:"personnel_number"`
		Lines           []struct {
			HourType string        `json:"hour_type"`
			Minutes  [7]ts.Minutes `json:"minutes"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(file.Bytes()), &it); err != nil {
		t.Fatalf("%v: %s", err, file.String())
	}
	if it.PersonnelNumber != demo.PersonnelNumber(8) || len(it.Lines) != 2 || it.Lines[0].HourType != "100" || it.Lines[0].Minutes[4] != 480 ||
		it.Lines[1].HourType != "125" || it.Lines[1].Minutes[5] != 240 {
		t.Errorf("garden item %s", file.String())
	}
}
