package payroll_test

import (
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	"backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
)

// Every registered event survives encoding and decoding unchanged, and the
// registry holds exactly these types.
func TestEventsRoundTrip(t *testing.T) {
	p, _ := payroll.ParsePeriod("2026-P03")
	samples := []domain.Event{
		&payroll.SettingsSet{ClientID: "c1", Settings: payroll.Settings{Administration: "1001", DebtorNumber: "D1", Relation: "R1",
			Period: payroll.Period4Weeks, Package: payroll.TargetNmbrs}},
		&payroll.MappingSet{ClientID: "c1", ValidFrom: "2026-01-05", Entries: []payroll.Mapping{
			{Kind: payroll.SourceHours, Code: "100", Loket: "1", Nmbrs: "U 100", Easyflex: "U100", AFAS: "A1"}}},
		&payroll.PersonnelNumberSet{WorkerID: "w1", Administration: "1001", PersonnelNumber: "10"},
		&payroll.BatchCreated{BatchID: "c1_2026-P03_1", ClientID: "c1", Period: p,
			Settings: payroll.Settings{Administration: "1001", Period: payroll.Period4Weeks, Package: payroll.TargetLoket},
			Mapping:  []payroll.Mapping{{Kind: payroll.SourceExpense, Code: "parking", Loket: "21"}}, Items: 1, Includes: []string{"x"}, Sources: []string{"expense:parking"}},
		&payroll.BatchItemsAdded{BatchID: "c1_2026-P03_1", Items: []payroll.Item{{Placement: "p1", Week: ts.ISOWeek{Year: 2026, Week: 9},
			WorkerID: "w1", PersonnelNumber: "10", Name: "Jan Jansen", Hash: "ab", Round: 2,
			Lines:      []payroll.ItemLine{{HourType: "100", Minutes: [7]int{480, 0, 0, 0, 0, 0, 15}}},
			Expenses:   []payroll.ItemExpense{{Type: "travel_km", Date: ts.NewDate(2026, 2, 23), Kilometres: 12}},
			Allowances: payroll.ItemAllowances{PerDayCents: 350, PerHourCents: 120}}}},
		&payroll.BatchConfirmed{BatchID: "c1_2026-P03_1"},
		&payroll.BatchCancelled{BatchID: "c1_2026-P03_1", Reason: "verkeerde periode"},
	}
	domaintest.RoundTrip(t, payroll.Events, samples...)
}

// FuzzParsePeriod: whatever ParsePeriod accepts prints back as itself and
// has weeks (the refusal and read-back: domaintest.FuzzParse).
func FuzzParsePeriod(f *testing.F) {
	seeds := []string{"2026-W05", "2026-P13", "2026-05", "2026-W53", "2025-W53", "x", ""}
	domaintest.FuzzParse(f, "period", payroll.ParsePeriod, seeds, func(t *testing.T, s string, p payroll.Period) {
		if p.String() != s {
			t.Fatalf("%q parsed as %q", s, p)
		}
		if len(p.Weeks()) == 0 {
			t.Fatalf("%q has no weeks", s)
		}
	})
}
