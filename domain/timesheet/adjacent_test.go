package timesheet_test

import (
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

// shift is an entry for the adjacent-week tests: a date, "hh:mm" start and
// end, and whether it is a continuous shift.
type shift struct {
	date       ts.Date
	start, end string
	cont       bool
}

// workedOf computes the worked intervals of one week's shifts (IDs from 1).
func workedOf(t *testing.T, shifts ...shift) []ts.Worked {
	t.Helper()
	entries := make([]ts.Entry, len(shifts))
	for i, s := range shifts {
		entries[i] = ts.Entry{ID: i + 1, Date: s.date, Start: clk(s.start), End: clk(s.end), Continuous: s.cont}
	}
	w, err := ts.ComputeWorked(entries, ts.Location())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// adjErr checks err against an expected entries_overlap_adjacent_week
// (field and Dutch message) or, with field "", no error.
func adjErr(t *testing.T, err error, field, nl string) {
	t.Helper()
	if field == "" {
		domaintest.WantError(t, err, nil)
		return
	}
	de := domaintest.WantError(t, err, &domain.Error{Code: "entries_overlap_adjacent_week", Kind: domain.KindRule, Field: field})
	if de.MessageNL != nl {
		t.Fatalf("err = %+v, want message %q", de, nl)
	}
}

func TestCheckAdjacentWeek(t *testing.T) {
	w05, w06 := ts.ISOWeek{Year: 2026, Week: 5}, ts.ISOWeek{Year: 2026, Week: 6}
	sun05, mon06 := w05.End(), w06.Start() // 2026-02-01, 2026-02-02
	// 2026-10-25 (Sunday, end of W43): clocks go back from 03:00 to 02:00.
	// 2026-03-29 (Sunday, end of W13): clocks go forward from 02:00 to 03:00.
	sat43, sun43, mon44 := ts.NewDate(2026, 10, 24), ts.NewDate(2026, 10, 25), ts.NewDate(2026, 10, 26)
	sat13, mon14 := ts.NewDate(2026, 3, 28), ts.NewDate(2026, 3, 30)
	// 2026 has 53 ISO weeks: W53 ends on Sunday 2027-01-03.
	sun53, mon01 := ts.NewDate(2027, 1, 3), ts.NewDate(2027, 1, 4)
	tests := []struct {
		name            string
		week, neighbour []shift
		field, nl       string // "" when there is no overlap
	}{
		{"Monday entry in the previous week's Sunday night shift",
			[]shift{{mon06, "00:00", "08:00", false}}, []shift{{sun05, "22:00", "06:00", false}},
			"mon", "Deze dienst overlapt met een dienst in week 5 (zondag 22:00–06:00)."},
		{"Sunday night shift into the next week's Monday entry",
			[]shift{{sun05, "22:00", "06:00", false}}, []shift{{mon06, "00:00", "08:00", false}},
			"sun", "Deze dienst overlapt met een dienst in week 6 (maandag 00:00–08:00)."},
		{"one minute of overlap",
			[]shift{{mon06, "05:59", "14:00", false}}, []shift{{sun05, "22:00", "06:00", false}},
			"mon", "Deze dienst overlapt met een dienst in week 5 (zondag 22:00–06:00)."},
		{"touching: Monday starts when the night shift ends",
			[]shift{{mon06, "06:00", "14:00", false}}, []shift{{sun05, "22:00", "06:00", false}}, "", ""},
		{"touching, seen from the Sunday",
			[]shift{{sun05, "22:00", "06:00", false}}, []shift{{mon06, "06:00", "14:00", false}}, "", ""},
		{"Sunday shift ending at midnight",
			[]shift{{sun05, "16:00", "00:00", false}}, []shift{{mon06, "00:00", "08:00", false}}, "", ""},
		{"other days do not collide",
			[]shift{{mon06.AddDays(1), "00:00", "08:00", false}}, []shift{{sun05, "22:00", "06:00", false}}, "", ""},
		{"no shifts in the neighbouring week",
			[]shift{{mon06, "00:00", "08:00", false}}, nil, "", ""},
		{"last continuous Sunday shift ends at its own end, on Monday",
			[]shift{{sun05, "14:00", "06:00", true}}, []shift{{mon06, "05:00", "13:00", false}},
			"sun", "Deze dienst overlapt met een dienst in week 6 (maandag 05:00–13:00)."},
		{"continuous Sunday shift ends at the next entry of its week",
			[]shift{{sun05, "14:00", "06:00", true}, {sun05, "18:00", "23:00", false}},
			[]shift{{mon06, "00:00", "08:00", false}}, "", ""},
		{"message shows the neighbour's computed end of a continuous shift",
			[]shift{{mon06, "00:00", "08:00", false}}, []shift{{sun05, "20:00", "06:00", true}},
			"mon", "Deze dienst overlapt met een dienst in week 5 (zondag 20:00–06:00)."},
		{"autumn clock change inside the week is unaffected",
			[]shift{{sat43, "22:00", "06:00", false}}, []shift{{mon44, "00:00", "08:00", false}}, "", ""},
		{"Sunday after the autumn change touching Monday",
			[]shift{{sun43, "22:00", "06:00", false}}, []shift{{mon44, "06:00", "14:00", false}}, "", ""},
		{"Sunday after the autumn change overlapping Monday",
			[]shift{{sun43, "23:00", "07:00", false}}, []shift{{mon44, "06:00", "14:00", false}},
			"sun", "Deze dienst overlapt met een dienst in week 44 (maandag 06:00–14:00)."},
		{"spring clock change inside the week is unaffected",
			[]shift{{mon14, "00:00", "08:00", false}}, []shift{{sat13, "22:00", "06:00", false}}, "", ""},
		{"across the year boundary (2026-W53 to 2027-W01)",
			[]shift{{mon01, "00:00", "08:00", false}}, []shift{{sun53, "22:00", "06:00", false}},
			"mon", "Deze dienst overlapt met een dienst in week 53 (zondag 22:00–06:00)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ts.CheckAdjacentWeek(workedOf(t, tt.week...), workedOf(t, tt.neighbour...))
			adjErr(t, err, tt.field, tt.nl)
		})
	}
}

// TestEntriesAgainstAdjacentWeeks runs the aggregate's entry commands of
// week 5 with the computed shifts of weeks 4 and 6.
func TestEntriesAgainstAdjacentWeeks(t *testing.T) {
	tr := trTerms()
	mon, sun := week.Start(), week.End() // 2026-01-26, 2026-02-01
	prevSun, nextMon := mon.AddDays(-1), sun.AddDays(1)
	in := func(d ts.Date, start, end string, cont bool) ts.EntryInput {
		return ts.EntryInput{Date: d, Start: clk(start), End: clk(end), Continuous: cont}
	}
	add := func(adj ts.AdjacentWeeks, e ts.EntryInput) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return a.AddEntry(worker, tr, adj, e, now) }
	}
	change := func(adj ts.AdjacentWeeks, id int, e ts.EntryInput) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.ChangeEntry(worker, tr, adj, id, e, now)
		}
	}
	remove := func(adj ts.AdjacentWeeks, id int) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) { return a.RemoveEntry(worker, tr, adj, id, now) }
	}
	prevNight := ts.AdjacentWeeks{Prev: workedOf(t, shift{prevSun, "22:00", "06:00", false})}
	nextMorning := ts.AdjacentWeeks{Next: workedOf(t, shift{nextMon, "00:00", "08:00", false})}
	none := ts.AdjacentWeeks{}
	tests := []struct {
		name      string
		given     []cmd
		when      cmd
		field, nl string // "" when the command succeeds
		// beforeRule: the given entries were recorded before
		// Entry.UntilNextWeek (their events lack it).
		beforeRule bool
	}{
		{name: "Monday entry in last week's night shift",
			when:  add(prevNight, in(mon, "00:00", "08:00", false)),
			field: "mon", nl: "Deze dienst overlapt met een dienst in week 4 (zondag 22:00–06:00)."},
		{name: "Monday entry after last week's night shift",
			when: add(prevNight, in(mon, "06:00", "14:00", false))},
		{name: "Sunday night shift into next week's Monday",
			when:  add(nextMorning, in(sun, "22:00", "06:00", false)),
			field: "sun", nl: "Deze dienst overlapt met een dienst in week 6 (maandag 00:00–08:00)."},
		{name: "Sunday day shift",
			when: add(nextMorning, in(sun, "14:00", "22:00", false))},
		{name: "last continuous Sunday shift runs on to next week's first shift",
			when: add(nextMorning, in(sun, "14:00", "06:00", true))},

		{name: "continuous Sunday shift before a later Sunday entry",
			given: []cmd{add(nextMorning, in(sun, "18:00", "23:00", false))},
			when:  add(nextMorning, in(sun, "14:00", "06:00", true))},
		{name: "without adjacent shifts nothing is checked",
			when: add(none, in(sun, "22:00", "06:00", false))},
		{name: "changing a Sunday shift into the night",
			given: []cmd{add(nextMorning, in(sun, "14:00", "22:00", false))},
			when:  change(nextMorning, 1, in(sun, "22:00", "06:00", false)),
			field: "sun", nl: "Deze dienst overlapt met een dienst in week 6 (maandag 00:00–08:00)."},
		{name: "changing a Tuesday entry onto Monday night",
			given: []cmd{add(prevNight, in(mon.AddDays(1), "00:00", "08:00", false))},
			when:  change(prevNight, 1, in(mon, "00:00", "08:00", false)),
			field: "mon", nl: "Deze dienst overlapt met een dienst in week 4 (zondag 22:00–06:00)."},
		{name: "changing the break of an overlap recorded before the rule",
			given: []cmd{add(none, in(sun, "22:00", "06:00", false))},
			when:  change(nextMorning, 1, ts.EntryInput{Date: sun, Start: clk("22:00"), End: clk("06:00"), Break: 30})},
		{name: "removing an entry lets a continuous Sunday shift run on to next week's first",
			given: []cmd{
				add(nextMorning, in(sun, "18:00", "23:00", false)),
				add(nextMorning, in(sun, "14:00", "06:00", true)), // runs to 18:00
			},
			when: remove(nextMorning, 1)},
		{name: "removing an entry lets a continuous Sunday shift recorded before the rule run into Monday",
			given: []cmd{
				add(nextMorning, in(sun, "18:00", "23:00", false)),
				add(nextMorning, in(sun, "14:00", "06:00", true)), // runs to 18:00
			},
			beforeRule: true,
			when:       remove(nextMorning, 1),
			field:      "sun", nl: "Deze dienst overlapt met een dienst in week 6 (maandag 00:00–08:00)."},
		{name: "changing an entry lets a continuous Sunday shift recorded before the rule run into Monday",
			given: []cmd{
				add(nextMorning, in(sun, "18:00", "23:00", false)),
				add(nextMorning, in(sun, "14:00", "06:00", true)), // runs to 18:00
			},
			beforeRule: true,
			when:       change(nextMorning, 1, in(sun.AddDays(-1), "18:00", "23:00", false)),
			field:      "sun", nl: "Deze dienst overlapt met een dienst in week 6 (maandag 00:00–08:00)."},
		{name: "removing the overlapping entry recorded before the rule",
			given: []cmd{add(none, in(sun, "22:00", "06:00", false))},
			when:  remove(nextMorning, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := history(t, tt.given...)
			if tt.beforeRule {
				given = recordedBeforeUntilNextWeek(given)
			}
			a := load(t, given)
			v := a.Version()
			evs, err := tt.when(a)
			adjErr(t, err, tt.field, tt.nl)
			if err != nil && (evs != nil || a.Version() != v) {
				t.Fatalf("refused command recorded events: %v, version %d -> %d", evs, v, a.Version())
			}
			if err == nil && len(evs) == 0 {
				t.Fatal("accepted command recorded nothing")
			}
		})
	}
}

func TestWorkedIsTheRecordedResult(t *testing.T) {
	sun := week.End()
	a := load(t, history(t,
		addEntry(worker, trTerms(), sun, "14:00", "06:00", 0, true),
		addEntry(worker, trTerms(), sun, "18:00", "23:00", 0, false)))
	got := a.Worked()
	if len(got) != 2 || got[0].EntryID != 1 || got[0].End.In(ams).Format("15:04") != "18:00" {
		t.Fatalf("Worked = %+v", got)
	}
	got[0].EntryID = 99 // a copy: the aggregate is unchanged
	if a.Worked()[0].EntryID != 1 {
		t.Fatal("Worked returned the aggregate's own slice")
	}
}

// recordedBeforeUntilNextWeek returns events as the code before
// Entry.UntilNextWeek recorded them: the same, without the flag.
func recordedBeforeUntilNextWeek(events []domain.Event) []domain.Event {
	out := make([]domain.Event, len(events))
	for i, e := range events {
		switch e := e.(type) {
		case *ts.TimeEntryAdded:
			c := *e
			c.Entry.UntilNextWeek = false
			out[i] = &c
		case *ts.TimeEntryChanged:
			c := *e
			c.Entry.UntilNextWeek = false
			out[i] = &c
		default:
			out[i] = e
		}
	}
	return out
}
