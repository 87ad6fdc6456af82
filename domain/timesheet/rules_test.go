package timesheet_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// endedOn is baseTerms with the placement ended on d: what the command
// layer builds after a (retroactive) End.
func endedOn(d ts.Date) ts.Terms {
	t := baseTerms()
	t.Period.End = d
	return t
}

// TestRulesOfTheLedger: hours after a placement's end are never offered or
// approved (issue 11 §1), start = end needs an explicit 24-hour shift (§2),
// no hours on future days (§3), and a repeated approval is a conflict, not
// a forbidden step (§6).
func TestRulesOfTheLedger(t *testing.T) {
	thursday := week.Day(3) // 2026-01-29
	ended := endedOn(thursday)
	friday := time.Date(2026, 1, 30, 12, 0, 0, 0, ams)
	at := func(when time.Time, c func(a *ts.Timesheet, now time.Time) ([]domain.Event, error)) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return c(a, when) }
	}
	entry := func(d ts.Date, start, end string, shift24h bool, when time.Time) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.AddEntry(worker, trTerms(), ts.AdjacentWeeks{}, ts.EntryInput{Date: d, Start: clk(start), End: clk(end), Shift24h: shift24h}, when)
		}
	}
	approveAs := func(actor domain.Actor, terms ts.Terms) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.Approve(actor, terms, a.StepToApprove(actor), a.OfferedHash(), now)
		}
	}
	runCases(t, []aggCase{
		// §1: hours on Friday, then the placement ended on Thursday.
		{name: "offer after the end refused", given: []cmd{stdLine}, when: offer(worker, ended), code: "hours_outside_placement", kind: domain.KindRule,
			check: nil},
		{name: "approve after the end refused", given: offered, when: approveAs(client, ended), code: "hours_outside_placement", kind: domain.KindRule},
		{name: "last step after the end refused", given: step1, when: approveAs(intermediary, ended), code: "hours_outside_placement", kind: domain.KindRule},
		{name: "reject after the end still possible", given: offered, when: reject(client, ended, "Na het einde"), types: []string{ts.TypeRejected}},
		{name: "removing the hours after the end is possible", given: rejected,
			when: setLine(worker, ended, "N", days(480, 480, 480, 480)), types: []string{ts.TypeLineSet}},
		{name: "ending on the last day with hours is fine", given: offered, when: approveAs(client, endedOn(week.Day(4))), types: []string{ts.TypeStepApproved}},

		// §2: start = end.
		{name: "start = end refused", when: entry(week.Day(0), "08:00", "08:00", false, now), code: "start_equals_end", kind: domain.KindRule},
		{name: "explicit 24-hour shift", when: entry(week.Day(0), "08:00", "08:00", true, now), types: []string{ts.TypeOpened, ts.TypeTimeEntryAdded},
			check: func(t *testing.T, a *ts.Timesheet, _ []domain.Event) {
				if a.TotalMinutes() != 24*60 {
					t.Fatalf("total %d, want 1440", a.TotalMinutes())
				}
			}},
		{name: "24-hour flag with another end", when: entry(week.Day(0), "08:00", "16:00", true, now), code: "shift_24h_mismatch", kind: domain.KindInvalid},

		// §3: days after today (Friday 30 January).
		{name: "Saturday hours on Friday refused", when: at(friday, func(a *ts.Timesheet, n time.Time) ([]domain.Event, error) {
			return a.SetLine(worker, baseTerms(), "N", days(0, 0, 0, 0, 480, 240), n)
		}), code: "day_in_future", kind: domain.KindRule},
		{name: "Friday hours on Friday accepted", when: at(friday, func(a *ts.Timesheet, n time.Time) ([]domain.Event, error) {
			return a.SetLine(worker, baseTerms(), "N", days(0, 0, 0, 0, 480), n)
		}), types: []string{ts.TypeOpened, ts.TypeLineSet}},
		{name: "Saturday expense on Friday refused", when: at(friday, func(a *ts.Timesheet, n time.Time) ([]domain.Event, error) {
			return a.AddExpense(worker, baseTerms(), ts.ExpenseInput{Type: ts.ExpenseParking, Date: week.Day(5), AmountCents: 500}, n)
		}), code: "day_in_future", kind: domain.KindRule},
		{name: "Saturday shift on Friday refused", when: entry(week.Day(5), "08:00", "16:00", false, friday), code: "day_in_future", kind: domain.KindRule},
		{name: "a future day in Amsterdam although the same day in UTC", when: entry(week.Day(5), "08:00", "16:00", false,
			time.Date(2026, 1, 30, 23, 30, 0, 0, time.UTC)), types: []string{ts.TypeOpened, ts.TypeTimeEntryAdded}}, // 23:30 Friday UTC is 00:30 Saturday in Amsterdam
		{name: "Saturday hours recorded before the rule are not offered on Friday", given: []cmd{setLine(worker, baseTerms(), "N", days(0, 0, 0, 0, 0, 240))},
			when: at(friday, func(a *ts.Timesheet, n time.Time) ([]domain.Event, error) {
				return a.Offer(worker, baseTerms(), ts.AdjacentWeeks{}, n)
			}), code: "day_in_future", kind: domain.KindRule},

		// §6: the client approves step 0 twice (a race or a double click).
		{name: "repeated approval is a conflict", given: step1, when: approveAs(client, baseTerms()), code: "step_already_approved", kind: domain.KindConflict},
		{name: "after the last step: already approved", given: approved, when: approveAs(client, baseTerms()), code: "already_approved", kind: domain.KindConflict},
		{name: "a worker is still not the step's party", given: step1, when: approveAs(worker, baseTerms()), code: "not_your_step", kind: domain.KindForbidden},
		{name: "back office approves the current step", given: step1, when: approveAs(backoffice, baseTerms()), types: []string{ts.TypeStepApproved, ts.TypeApproved}},
	})
}

// TestHoursOutsidePlacementNamesTheDays: the refusal lists the dates, so
// the one who enters the hours knows what to remove.
func TestHoursOutsidePlacementNamesTheDays(t *testing.T) {
	a := load(t, history(t, stdLine))
	_, err := a.Offer(worker, endedOn(week.Day(2)), ts.AdjacentWeeks{}, now)
	wantErr(t, err, "hours_outside_placement", domain.KindRule)
	for _, d := range []string{"2026-01-29", "2026-01-30"} {
		if !strings.Contains(err.Error(), d) {
			t.Fatalf("%v does not name %s", err, d)
		}
	}
	if strings.Contains(err.Error(), "2026-01-28") {
		t.Fatalf("%v names a day inside the period", err)
	}
	// The Dutch text names them as the portal shows dates.
	if nl := messageNL(t, err); !strings.Contains(nl, "(29-01-2026, 30-01-2026)") {
		t.Fatalf("Dutch message %q does not name 29-01-2026 and 30-01-2026", nl)
	}
	if got := a.BookedDays(); len(got) != 5 || got[0] != week.Day(0) || got[4] != week.Day(4) {
		t.Fatalf("booked days %v", got)
	}
}

// messageNL is the Dutch text of a domain refusal.
func messageNL(t *testing.T, err error) string {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("%v is not a domain.Error", err)
	}
	return de.MessageNL
}

// TestDutchRefusalsUseDutchDates: the Dutch texts name a day as the portal
// shows dates (26-01-2026), the English ones keep ISO dates.
func TestDutchRefusalsUseDutchDates(t *testing.T) {
	friday := time.Date(2026, 1, 30, 12, 0, 0, 0, ts.Location())
	_, err := (&ts.Timesheet{}).SetLine(worker, baseTerms(), "N", days(0, 0, 0, 0, 480, 240), friday)
	if nl := messageNL(t, err); nl != "Zaterdag 31-01-2026 ligt in de toekomst: uren kunnen tot en met vandaag worden ingevuld." {
		t.Errorf("day_in_future: %q", nl)
	}
	if !strings.Contains(err.Error(), "2026-01-31") {
		t.Errorf("day_in_future in English: %q", err.Error())
	}
	fromTuesday := baseTerms()
	fromTuesday.Period = ts.Period{Start: ts.NewDate(2026, 1, 27)}
	_, err = (&ts.Timesheet{}).SetLine(worker, fromTuesday, "N", days(480, 480), now)
	if nl := messageNL(t, err); nl != "Maandag 26-01-2026 valt buiten de plaatsingsperiode." {
		t.Errorf("day_outside_placement: %q", nl)
	}
}
