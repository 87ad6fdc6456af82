package payroll_test

import (
	"testing"

	pay "backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
)

// Every week of 2025–2028 lies in the period PeriodOf names for it, and
// that period lists the week among its Weeks.
func TestPeriodOfHoldsTheWeek(t *testing.T) {
	for _, k := range []pay.PeriodKind{pay.PeriodWeek, pay.Period4Weeks, pay.PeriodMonth} {
		for w := (ts.ISOWeek{Year: 2025, Week: 1}); w.Year < 2029; w = w.Next() {
			p := pay.PeriodOf(k, w)
			if p.Kind != k || !p.Contains(w) {
				t.Fatalf("%s of %s = %s: does not contain it", k, w, p)
			}
			found := false
			for _, x := range p.Weeks() {
				found = found || x == w
			}
			if !found {
				t.Fatalf("%s of %s = %s: not in its weeks %v", k, w, p, p.Weeks())
			}
			if q, err := pay.ParsePeriod(p.String()); err != nil || q != p {
				t.Fatalf("%s: %v %v", p, q, err)
			}
		}
	}
	// Week 53 of 2026 is in the thirteenth four-week period, and the week
	// of 1 January 2026 (Thursday) in January.
	if p := pay.PeriodOf(pay.Period4Weeks, ts.ISOWeek{Year: 2026, Week: 53}); p.String() != "2026-P13" {
		t.Errorf("W53: %s", p)
	}
	if p := pay.PeriodOf(pay.PeriodMonth, ts.ISOWeek{Year: 2026, Week: 1}); p.String() != "2026-01" {
		t.Errorf("2026-W01: %s", p)
	}
}
