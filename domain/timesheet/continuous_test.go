package timesheet_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

// TestContinuousShiftRunsIntoNextWeek: the manual's doorlopende dienst
// "loopt door tot de volgende ingevulde urenregel", also when that line is
// in the next week's timesheet. The week's last continuous shift runs on to
// the next week's first recorded shift (whatever that week's status: it is
// only read), booked on the day it starts; with no shift there yet it ends
// at its own end time. Entries recorded before this rule (no
// UntilNextWeek) keep ending at their own end when the week is recomputed.
func TestContinuousShiftRunsIntoNextWeek(t *testing.T) {
	tr := trTerms()
	sat, sun := week.End().AddDays(-1), week.End() // 2026-01-31, 2026-02-01
	nextMon := sun.AddDays(1)
	next := func(start, end string) ts.AdjacentWeeks {
		return ts.AdjacentWeeks{Next: workedOf(t, shift{nextMon, start, end, false})}
	}
	in := func(d ts.Date, start, end string, cont bool) ts.EntryInput {
		return ts.EntryInput{Date: d, Start: clk(start), End: clk(end), Continuous: cont}
	}
	until := func(a *ts.Timesheet, id int) (string, ts.Minutes) {
		for _, w := range a.Worked() {
			if w.EntryID == id {
				return w.End.In(ams).Format("Mon 15:04"), w.Minutes
			}
		}
		t.Fatalf("no entry %d in %+v", id, a.Worked())
		return "", 0
	}

	for _, tt := range []struct {
		name      string
		adj       ts.AdjacentWeeks
		in        ts.EntryInput
		wantUntil string
		wantMin   ts.Minutes
	}{
		{"to next week's Monday shift", next("07:00", "15:00"), in(sun, "22:00", "06:00", true), "Mon 07:00", 540},
		{"to a Monday shift starting before its own end", next("05:00", "13:00"), in(sun, "22:00", "06:00", true), "Mon 05:00", 420},
		{"next week empty: its own end", ts.AdjacentWeeks{}, in(sun, "22:00", "06:00", true), "Mon 06:00", 480},
		{"not continuous: its own end", next("07:00", "15:00"), in(sun, "22:00", "06:00", false), "Mon 06:00", 480},
		{"a Sunday day shift runs on over the night", next("07:00", "15:00"), in(sun, "14:00", "22:00", true), "Mon 07:00", 1020},
	} {
		a := &ts.Timesheet{}
		if _, err := a.AddEntry(worker, tr, tt.adj, tt.in, now); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if u, m := until(a, 1); u != tt.wantUntil || m != tt.wantMin {
			t.Errorf("%s: until %s, %d minutes; want %s, %d", tt.name, u, m, tt.wantUntil, tt.wantMin)
		}
		if got := a.DayTotals()[6]; got != tt.wantMin {
			t.Errorf("%s: Sunday holds %d minutes, want %d (booked on the day the shift starts)", tt.name, got, tt.wantMin)
		}
		if end, ok := ts.RunsOn(a.Entries()[0].Entry, a.Entries()[0].Worked); ok != (tt.wantUntil != "Mon 06:00") ||
			(ok && end.In(ams).Format("Mon 15:04") != tt.wantUntil) {
			t.Errorf("%s: RunsOn = %v, %v", tt.name, end, ok)
		}
	}

	// Running on from Saturday to Monday puts more than 24 hours on
	// Saturday: refused, naming the next week's shift it runs on to.
	_, err := (&ts.Timesheet{}).AddEntry(worker, tr, next("07:00", "15:00"), in(sat, "22:00", "06:00", true), now)
	de := domaintest.WantError(t, err, &domain.Error{Code: "day_over_24h", Kind: domain.KindRule, Field: "sat"})
	if want := "loopt door tot de eerste dienst van week 6 (maandag 02-02-2026 07:00)"; !strings.Contains(de.MessageNL, want) {
		t.Errorf("message %q, want %q in it", de.MessageNL, want)
	}

	// An entry recorded before the rule keeps its own end when the week is
	// recomputed by another change; saving it again applies the rule.
	given := recordedBeforeUntilNextWeek(history(t,
		func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.AddEntry(worker, tr, ts.AdjacentWeeks{}, in(sun, "22:00", "06:00", true), now)
		}))
	a := load(t, given)
	adj := next("07:00", "15:00")
	evs, err := a.AddEntry(worker, tr, adj, in(week.Start(), "08:00", "16:00", false), now)
	if err != nil {
		t.Fatal(err)
	}
	if u, m := until(a, 1); u != "Mon 06:00" || m != 480 {
		t.Errorf("entry recorded before the rule after another change: until %s, %d minutes; want Mon 06:00, 480", u, m)
	}
	if w := evs[0].(*ts.TimeEntryAdded).Worked; !w[1].End.Equal(given[1].(*ts.TimeEntryAdded).Worked[0].End) {
		t.Errorf("recomputed end %v, recorded %v", w[1].End, given[1].(*ts.TimeEntryAdded).Worked[0].End)
	}
	if _, err := a.ChangeEntry(worker, tr, adj, 1, in(sun, "22:00", "06:00", true), now); err != nil {
		t.Fatal(err)
	}
	if u, m := until(a, 1); u != "Mon 07:00" || m != 540 {
		t.Errorf("entry saved again: until %s, %d minutes; want Mon 07:00, 540", u, m)
	}
	// Saved again unchanged: nothing to record. Saved again after the next
	// week's first shift moved: the new end is recorded.
	if evs, err := a.ChangeEntry(worker, tr, adj, 1, in(sun, "22:00", "06:00", true), now); err != nil || len(evs) != 0 {
		t.Errorf("saved again unchanged: %v, %v; want nothing recorded", evs, err)
	}
	if evs, err := a.ChangeEntry(worker, tr, next("07:30", "15:00"), 1, in(sun, "22:00", "06:00", true), now); err != nil || len(evs) != 1 {
		t.Errorf("saved again after next week changed: %v, %v; want the change recorded", evs, err)
	}
	if u, m := until(a, 1); u != "Mon 07:30" || m != 570 {
		t.Errorf("after next week changed: until %s, %d minutes; want Mon 07:30, 570", u, m)
	}
}

// TestContinuousRuleOnStoredSamples: the stored sample of
// timesheet.time_entry_added (domain/testdata, written before
// UntilNextWeek) decodes without the flag and folds to exactly its
// recorded worked time: events are never recomputed on replay.
func TestContinuousRuleOnStoredSamples(t *testing.T) {
	e := decodeSample(t, ts.TypeTimeEntryAdded).(*ts.TimeEntryAdded)
	if !e.Entry.Continuous || e.Entry.UntilNextWeek {
		t.Fatalf("sample entry %+v: want continuous without until_next_week", e.Entry)
	}
	a := &ts.Timesheet{}
	if err := a.Apply(&ts.Opened{PlacementID: "pl-1", Week: week}); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(e); err != nil {
		t.Fatal(err)
	}
	w := a.Worked()
	if len(w) != 1 || w[0].Minutes != e.Worked[0].Minutes || !w[0].End.Equal(e.Worked[0].End) ||
		!w[0].End.Equal(time.Date(2026, 2, 2, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("folded %+v, recorded %+v", w, e.Worked)
	}
}

// decodeSample reads the stored sample of an event type
// (domain/testdata/events, kept as written: history does not change).
func decodeSample(t *testing.T, typ string) domain.Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "events", typ+".json"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := ts.Events.Decode(typ, data)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestContentHashOfARunOn: the same entries that ran on to different
// shifts of the next week book different hours, so they hash differently
// (an approval is bound to the hours offered); without a run-on the hash is
// the one of before (v1).
func TestContentHashOfARunOn(t *testing.T) {
	tr := trTerms()
	sun, nextMon := week.End(), week.End().AddDays(1)
	sunday := ts.EntryInput{Date: sun, Start: clk("22:00"), End: clk("06:00"), Continuous: true}
	hash := func(adj ts.AdjacentWeeks) string {
		a := &ts.Timesheet{}
		if _, err := a.AddEntry(worker, tr, adj, sunday, now); err != nil {
			t.Fatal(err)
		}
		return a.ContentHash()
	}
	to0700 := hash(ts.AdjacentWeeks{Next: workedOf(t, shift{nextMon, "07:00", "15:00", false})})
	to0730 := hash(ts.AdjacentWeeks{Next: workedOf(t, shift{nextMon, "07:30", "15:00", false})})
	own := hash(ts.AdjacentWeeks{})
	if to0700 == to0730 || to0700 == own || to0730 == own {
		t.Errorf("hashes %s %s %s: a run-on to another end must hash differently", to0700, to0730, own)
	}
	// Without a run-on: the v1 encoding, as recorded before the rule.
	old := load(t, recordedBeforeUntilNextWeek(history(t, func(a *ts.Timesheet) ([]domain.Event, error) {
		return a.AddEntry(worker, tr, ts.AdjacentWeeks{}, sunday, now)
	})))
	if old.ContentHash() != own {
		t.Errorf("hash without a run-on %s, before the rule %s", own, old.ContentHash())
	}
}

// TestContentHashV1Unchanged: a timesheet without a run-on into the next
// week hashes exactly as before Entry.UntilNextWeek (the value below was
// computed by the code of main before it), so offers in flight and
// recorded hashes keep matching.
func TestContentHashV1Unchanged(t *testing.T) {
	tr := trTerms()
	a := load(t, history(t,
		addEntry(worker, tr, week.End(), "22:00", "06:00", 30, true),
		addEntry(worker, tr, week.Day(1), "08:00", "16:00", 0, false),
		setLine(worker, tr, "O125", days(60))))
	if got, want := a.ContentHash(), "25104dba788d168702f4fbf36ccd8efd30e63d9987e069484eb8e9329d08c6d1"; got != want {
		t.Errorf("hash %s, want %s (v1 as before)", got, want)
	}
}
