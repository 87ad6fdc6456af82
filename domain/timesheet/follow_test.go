package timesheet_test

import (
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

// TestFollowNextWeek: the week's last continuous shift follows the next
// week's first shift after it was saved: entered later, moved earlier or
// later, removed (its own end again). Each follow-up is the entry
// re-recorded (time_entry_changed, unchanged entry, followed_next_week)
// with the new end, the day total and the content hash following it.
func TestFollowNextWeek(t *testing.T) {
	tr := trTerms()
	sun, mon := week.End(), week.End().AddDays(1)
	a := load(t, history(t, addEntry(worker, tr, sun, "22:00", "06:00", 0, true)))
	if !a.FollowsNextWeek() {
		t.Fatal("an open week with a continuous Sunday shift does not follow")
	}
	if len(a.BeforeNextWeek()) != 0 {
		t.Errorf("BeforeNextWeek %+v: the following shift binds the next week", a.BeforeNextWeek())
	}
	hashes := map[string]string{"own": a.ContentHash()}
	for _, tt := range []struct {
		name   string
		next   []ts.Worked
		until  string
		sunday ts.Minutes
	}{
		{"next week's Monday shift entered", workedOf(t, shift{mon, "07:00", "15:00", false}), "Mon 07:00", 540},
		{"moved later", workedOf(t, shift{mon, "07:30", "15:00", false}), "Mon 07:30", 570},
		{"moved earlier, before its own end", workedOf(t, shift{mon, "05:00", "13:00", false}), "Mon 05:00", 420},
		{"the first of several", workedOf(t, shift{mon, "08:00", "12:00", false}, shift{mon, "12:00", "16:00", false}), "Mon 08:00", 600},
		{"removed: its own end", nil, "Mon 06:00", 480},
	} {
		evs, err := a.FollowNextWeek(tt.next)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(evs) != 1 {
			t.Fatalf("%s: %d events, want 1", tt.name, len(evs))
		}
		c, ok := evs[0].(*ts.TimeEntryChanged)
		if !ok || !c.FollowedNextWeek || c.Entry.ID != 1 || c.Entry.End != clk("06:00") || !c.Entry.UntilNextWeek {
			t.Fatalf("%s: recorded %#v, want the entry unchanged and followed_next_week", tt.name, evs[0])
		}
		w := a.Worked()[0]
		if got := w.End.In(ams).Format("Mon 15:04"); got != tt.until || w.Minutes != tt.sunday || a.DayTotals()[6] != tt.sunday {
			t.Errorf("%s: until %s, %d minutes, Sunday %d; want %s, %d", tt.name, got, w.Minutes, a.DayTotals()[6], tt.until, tt.sunday)
		}
		if a.Lines()[0].Minutes[6] != tt.sunday || !a.Lines()[0].FromTimeRegistration || a.Lines()[0].HourType.Code != "N" {
			t.Errorf("%s: derived line %+v", tt.name, a.Lines()[0])
		}
		if h := a.ContentHash(); h == hashes[tt.until] || (tt.until != "Mon 06:00" && h == hashes["own"]) {
			t.Errorf("%s: the content hash did not change with the hours", tt.name)
		}
		hashes[tt.until] = a.ContentHash()
		// Replayed, the follow-up folds to the same state.
		if b := load(t, append(history(t, addEntry(worker, tr, sun, "22:00", "06:00", 0, true)), evs...)); !b.Worked()[0].End.Equal(w.End) {
			t.Errorf("%s: replay ends at %v, want %v", tt.name, b.Worked()[0].End, w.End)
		}
		// Nothing moved: nothing to record.
		if evs, err := a.FollowNextWeek(tt.next); err != nil || len(evs) != 0 {
			t.Errorf("%s, again: %v, %v; want nothing", tt.name, evs, err)
		}
	}
	if hashes["own"] != hashes["Mon 06:00"] {
		t.Errorf("back at its own end the hash is %s, was %s (v1)", hashes["Mon 06:00"], hashes["own"])
	}
}

// TestFollowNextWeekRefusals: a week offered, approved or imported keeps
// its end (the manual: offered hours cannot be changed), and so does an
// entry recorded before the run-on rule, a shift not continuous, or one
// that is not the week's last. An end that breaks this week's rules is
// refused; for a command on the next week in its words
// (previous_week_run_on).
func TestFollowNextWeekRefusals(t *testing.T) {
	tr := trTerms()
	sun, mon, wed := week.End(), week.End().AddDays(1), week.End().AddDays(3)
	monday := workedOf(t, shift{mon, "07:00", "15:00", false})
	sunday := addEntry(worker, tr, sun, "22:00", "06:00", 0, true)
	offerTR := func(a *ts.Timesheet) ([]domain.Event, error) { return a.Offer(worker, tr, ts.AdjacentWeeks{}, now) }
	approveTR := func(by domain.Actor) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			step, _ := a.NextStep()
			return a.Approve(by, tr, step, a.OfferedHash(), now)
		}
	}
	for _, tt := range []struct {
		name  string
		given []domain.Event
	}{
		{"offered", history(t, sunday, offerTR)},
		{"approved", history(t, sunday, offerTR, approveTR(client), approveTR(intermediary))},
		{"imported", history(t, sunday, offerTR, approveTR(client), approveTR(intermediary), imported("b-1"))},
		{"recorded before the rule", recordedBeforeUntilNextWeek(history(t, sunday))},
		{"not continuous", history(t, addEntry(worker, tr, sun, "22:00", "06:00", 0, false))},
		{"not the week's last", history(t, addEntry(worker, tr, sun, "14:00", "18:00", 0, true), addEntry(worker, tr, sun, "20:00", "23:00", 0, false))},
	} {
		a := load(t, tt.given)
		if a.FollowsNextWeek() {
			t.Errorf("%s: FollowsNextWeek", tt.name)
		}
		if len(a.BeforeNextWeek()) != len(a.Worked()) {
			t.Errorf("%s: BeforeNextWeek leaves a shift out", tt.name)
		}
		before := a.Worked()
		if evs, err := a.FollowNextWeek(monday); err != nil || len(evs) != 0 {
			t.Errorf("%s: %v, %v; want nothing recorded", tt.name, evs, err)
		}
		if !a.Worked()[len(before)-1].End.Equal(before[len(before)-1].End) {
			t.Errorf("%s: the end moved", tt.name)
		}
	}

	// Until Wednesday: more than 24 hours on Sunday.
	a := load(t, history(t, sunday))
	_, err := a.FollowNextWeek(workedOf(t, shift{wed, "07:00", "15:00", false}))
	domaintest.WantError(t, err, &domain.Error{Code: "day_over_24h", Kind: domain.KindRule, Field: "sun"})
	_, err = a.FollowFromNextWeek(workedOf(t, shift{wed, "07:00", "15:00", false}))
	de := domaintest.WantError(t, err, &domain.Error{Code: "previous_week_run_on", Kind: domain.KindRule})
	if want := "De doorlopende dienst van zondag 01-02-2026 22:00 in week 5 loopt dan door tot woensdag 04-02-2026 07:00; zo staat er op die zondag meer dan 24 uur."; !strings.Contains(de.MessageNL, want) {
		t.Errorf("message %q, want %q in it", de.MessageNL, want)
	}
	if a.Worked()[0].Minutes != 480 {
		t.Errorf("a refused follow-up changed the week: %+v", a.Worked())
	}
	// A break as long as the shift it is cut down to.
	a = load(t, history(t, addEntry(worker, tr, sun, "23:00", "06:00", 60, true)))
	_, err = a.FollowFromNextWeek(workedOf(t, shift{mon, "00:00", "08:00", false}))
	de = domaintest.WantError(t, err, &domain.Error{Code: "previous_week_run_on", Kind: domain.KindRule})
	if !strings.Contains(de.MessageNL, "De pauze moet korter zijn dan de dienst van 60 minuten") {
		t.Errorf("message %q does not name the break", de.MessageNL)
	}
}

// TestOfferFollowsTheNextWeek: a week whose run-on end is behind its next
// week (a command on that week failed between its appends) records the
// end first when it is offered, and the offer's hash is of the hours as
// they run on: an approver holding the hash of an earlier offer is
// refused (content_changed).
func TestOfferFollowsTheNextWeek(t *testing.T) {
	tr := trTerms()
	sun, mon := week.End(), week.End().AddDays(1)
	a := load(t, history(t, addEntry(worker, tr, sun, "22:00", "06:00", 0, true),
		func(a *ts.Timesheet) ([]domain.Event, error) { return a.Offer(worker, tr, ts.AdjacentWeeks{}, now) }))
	oldHash := a.OfferedHash() // what an approver saw
	do(t, a, func(a *ts.Timesheet) ([]domain.Event, error) { return a.WithdrawOffer(worker, tr, now) })
	evs, err := a.Offer(worker, tr, ts.AdjacentWeeks{Next: workedOf(t, shift{mon, "07:00", "15:00", false})}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || !evs[0].(*ts.TimeEntryChanged).FollowedNextWeek {
		t.Fatalf("offer recorded %s, want the follow-up and the offer", encodeAll(t, evs))
	}
	o := evs[1].(*ts.Offered)
	if o.DayTotals[6] != 540 || o.Hash != a.ContentHash() || o.Hash == oldHash {
		t.Errorf("offered Sunday %d, hash %s (content %s, earlier offer %s)", o.DayTotals[6], o.Hash, a.ContentHash(), oldHash)
	}
	_, err = a.Approve(client, tr, 0, oldHash, now)
	wantErr(t, err, "content_changed", domain.KindConflict)
}

// TestFollowBackToItsOwnEnd: a continuous shift with a break that only
// the run-on made room for (23:00–23:30 with an hour's break, running on
// to Monday 07:00) cannot fall back to its own end when the next week's
// shift is removed: refused, naming the end it would have.
func TestFollowBackToItsOwnEnd(t *testing.T) {
	tr := trTerms()
	sun, mon := week.End(), week.End().AddDays(1)
	a := load(t, history(t, func(a *ts.Timesheet) ([]domain.Event, error) {
		return a.AddEntry(worker, tr, ts.AdjacentWeeks{Next: workedOf(t, shift{mon, "07:00", "15:00", false})},
			ts.EntryInput{Date: sun, Start: clk("23:00"), End: clk("23:30"), Break: 60, Continuous: true}, now)
	}))
	_, err := a.FollowFromNextWeek(nil)
	de := domaintest.WantError(t, err, &domain.Error{Code: "previous_week_run_on", Kind: domain.KindRule})
	if want := "De doorlopende dienst van zondag 01-02-2026 23:00 in week 5 eindigt dan op zijn eindtijd 23:30. Dat kan niet: De pauze moet korter zijn dan de dienst van 30 minuten"; !strings.Contains(de.MessageNL, want) {
		t.Errorf("message %q, want %q in it", de.MessageNL, want)
	}
}
