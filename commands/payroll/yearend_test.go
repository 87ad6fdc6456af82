package payroll_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
)

// setClock moves the commands' clock.
func (e *env) setClock(at time.Time) { e.now.Store(&at) }

func period(t *testing.T, s string) pay.Period {
	t.Helper()
	p, err := pay.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExportAcrossTheYearEnd: 2026 has ISO week 53 (Monday 28 December
// 2026 to Sunday 3 January 2027). A monthly client's December 2026 holds
// weeks 49 to 53 (a week belongs to the month of its Thursday, 31
// December), so the week's days in January 2027 are paid in December;
// January 2027 starts with 2027-W01. Every format is made: Easyflex dates
// the days as they are (01-01-2027), Nmbrs' Periode is 2026-12, JSON lines
// name the week 2026-W53. A four-weekly client's 2026-P13 holds weeks 49
// to 53. A worker without a personnel number is named; once numbered the
// batch is made; after its import a reopened and re-approved week 53 is a
// correction in the next batch of December.
func TestExportAcrossTheYearEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.setClock(time.Date(2027, 1, 12, 9, 0, 0, 0, time.UTC))
	e.seedClientAs("cm", pay.PeriodMonth)
	e.workerAt(1, "cm", "")
	w53 := ts.ISOWeek{Year: 2026, Week: 53}
	e.approveAt(1, 49, "cm", fullWeek)
	e.approveAt(1, 53, "cm", [7]ts.Minutes{480, 480, 480, 480, 480}) // Thu 31 Dec, Fri 1 Jan
	e.approveAt1(1, ts.ISOWeek{Year: 2027, Week: 1}, "cm", fullWeek)
	e.caughtUp()

	dec := period(t, "2026-12")
	if _, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "cm", Period: dec}); code(err) != "personnel_number_missing" ||
		!strings.Contains(err.Error(), "Werker 1 (w1)") {
		t.Fatalf("without a personnel number: %v", err)
	}
	e.must(e.pay.SetPersonnelNumber(ctx, backoffice, paycmd.SetPersonnelNumber{WorkerID: "w1", Administration: "1001", PersonnelNumber: "7"}))
	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "cm", Period: dec})
	if err != nil || created[0].Items != 2 {
		t.Fatalf("December: %+v %v", created, err)
	}
	batch := created[0].BatchID
	easyflex := string(e.file(batch, payrollfile.Easyflex))
	for _, want := range []string{"7;;30-11-2026;U100;8,00;", "7;;31-12-2026;U100;8,00;", "7;;01-01-2027;U100;8,00;"} {
		if !strings.Contains(easyflex, want+"\r\n") {
			t.Fatalf("Easyflex lacks %q:\n%s", want, easyflex)
		}
	}
	if strings.Contains(easyflex, "04-01-2027") {
		t.Fatalf("Easyflex holds 2027-W01:\n%s", easyflex)
	}
	if got := string(e.file(batch, payrollfile.Loket)); got != "aanslnr;persnr;ploeg;1\r\n1001;7;;80,00\r\n" {
		t.Fatalf("Loket:\n%s", got)
	}
	var weeks []string
	for _, line := range strings.Split(strings.TrimSpace(string(e.file(batch, payrollfile.JSONL))), "\n") {
		var it struct{ Week, Period string }
		if err := json.Unmarshal([]byte(line), &it); err != nil || it.Period != "2026-12" {
			t.Fatalf("JSON line %s: %v", line, err)
		}
		weeks = append(weeks, it.Week)
	}
	if strings.Join(weeks, " ") != "2026-W49 2026-W53" {
		t.Fatalf("JSON lines weeks %v", weeks)
	}
	x, err := excelize.OpenReader(bytes.NewReader(e.file(batch, payrollfile.Nmbrs)))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue(payrollfile.NmbrsSheet, "E2"); v != "2026-12" {
		t.Fatalf("Nmbrs Periode %q", v)
	}
	x.Close()
	// January 2027 (its own open batch) holds 2027-W01 only.
	_, jan, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "cm", Period: period(t, "2027-01")})
	if err != nil || jan[0].Items != 1 {
		t.Fatalf("January 2027: %+v %v", jan, err)
	}
	if got := string(e.file(jan[0].BatchID, payrollfile.Easyflex)); !strings.Contains(got, "7;;04-01-2027;U100;8,00;") || strings.Contains(got, "-12-2026") {
		t.Fatalf("January's Easyflex:\n%s", got)
	}
	e.must(pick(e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: batch})))

	// Week 53 reopened after its import: Friday 1 January was a holiday.
	e.must(e.pay.Reopen(ctx, backoffice, tscmd.Reopen{Target: tscmd.Target{PlacementID: "p1", Week: w53}, Reason: "1 januari vrij"}))
	e.approveAt1(1, w53, "cm", [7]ts.Minutes{480, 480, 480, 480})
	e.caughtUp()
	_, corr, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "cm", Period: dec})
	if err != nil || corr[0].Items != 1 {
		t.Fatalf("the correction: %+v %v", corr, err)
	}
	if got := string(e.file(corr[0].BatchID, payrollfile.Easyflex)); got != "werknemer;relatie;datum;looncomponent;aantal;correctie_op\r\n"+
		"7;;01-01-2027;U100;-8,00;"+batch+"\r\n" {
		t.Fatalf("the correction's Easyflex:\n%s", got)
	}
	// Loket: December's new total (80 - 8 hours) with the confirmed batch.
	if got := string(e.file(corr[0].BatchID, payrollfile.Loket)); got != "aanslnr;persnr;ploeg;1\r\n1001;7;;72,00\r\n" {
		t.Fatalf("the correction's Loket:\n%s", got)
	}
}

// TestFourWeekPeriod13HoldsWeek53: 2026-P13 is weeks 49 to 53.
func TestFourWeekPeriod13HoldsWeek53(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.setClock(time.Date(2027, 1, 12, 9, 0, 0, 0, time.UTC))
	e.seedClientAs("c4", pay.Period4Weeks)
	e.workerAt(1, "c4", "7")
	for _, w := range []int{48, 49, 53} {
		e.approveAt(1, w, "c4", fullWeek)
	}
	e.approveAt1(1, ts.ISOWeek{Year: 2027, Week: 1}, "c4", fullWeek)
	e.caughtUp()
	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c4", Period: period(t, "2026-P13")})
	if err != nil || created[0].Items != 2 {
		t.Fatalf("2026-P13: %+v %v", created, err)
	}
	if got := string(e.file(created[0].BatchID, payrollfile.Loket)); got != "aanslnr;persnr;ploeg;1\r\n1001;7;;80,00\r\n" {
		t.Fatalf("Loket:\n%s", got)
	}
}
