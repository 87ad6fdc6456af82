package timesheet_test

import (
	"errors"
	"math/rand"
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

var clk = domaintest.Clock

func TestParseClock(t *testing.T) {
	for in, want := range map[string]ts.Clock{"00:00": 0, "07:30": 450, "7:30": 450, "23:59": 1439} {
		if got, err := ts.ParseClock(in); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"24:00", "7:60", "730", "07-30", "", "a7:30", "007:30", "-1:00"} {
		if _, err := ts.ParseClock(in); !errors.Is(err, &domain.Error{Code: "clock_invalid"}) {
			t.Errorf("ParseClock(%q) err = %v", in, err)
		}
	}
}

func TestComputeWorked(t *testing.T) {
	ams := ts.Location()
	mon := ts.NewDate(2026, 1, 26)
	e := func(id int, d ts.Date, start, end string, brk ts.Minutes, cont bool) ts.Entry {
		return ts.Entry{ID: id, Date: d, Start: clk(start), End: clk(end), Break: brk, Continuous: cont}
	}
	tests := []struct {
		name    string
		entries []ts.Entry
		want    map[int]ts.Minutes // entry ID -> worked
		code    string
	}{
		{"day shift", []ts.Entry{e(1, mon, "08:00", "16:30", 30, false)}, map[int]ts.Minutes{1: 480}, ""},
		{"night shift", []ts.Entry{e(1, mon, "22:00", "06:00", 0, false)}, map[int]ts.Minutes{1: 480}, ""},
		{"end equals start is 24h", []ts.Entry{e(1, mon, "08:00", "08:00", 0, false)}, map[int]ts.Minutes{1: 1440}, ""},
		{"continuous runs to next entry", []ts.Entry{
			e(1, mon, "08:00", "12:00", 0, true),
			e(2, mon.AddDays(1), "07:00", "15:00", 60, false),
		}, map[int]ts.Minutes{1: 23 * 60, 2: 420}, ""},
		{"continuous picks next by start, not by ID", []ts.Entry{
			e(1, mon.AddDays(2), "08:00", "12:00", 0, false),
			e(2, mon, "20:00", "22:00", 0, true),
			e(3, mon.AddDays(1), "06:00", "14:00", 0, false),
		}, map[int]ts.Minutes{1: 240, 2: 600, 3: 480}, ""},
		{"last continuous ends at own end", []ts.Entry{e(1, mon, "08:00", "17:00", 60, true)}, map[int]ts.Minutes{1: 480}, ""},
		{"break one minute short of the shift", []ts.Entry{e(1, mon, "08:00", "09:00", 59, false)}, map[int]ts.Minutes{1: 1}, ""},
		{"break equals shift", []ts.Entry{e(1, mon, "08:00", "09:00", 60, false)}, nil, "break_exceeds_shift"},
		{"24-hour shift all break", []ts.Entry{{ID: 1, Date: mon, Start: clk("00:00"), End: clk("00:00"), Break: 1440, Shift24h: true}}, nil, "break_exceeds_shift"},
		{"continuous break counts against the run to the next entry", []ts.Entry{e(1, mon, "08:00", "09:00", 90, true), e(2, mon, "10:00", "11:00", 0, false)}, map[int]ts.Minutes{1: 30, 2: 60}, ""},
		{"break exceeds shift", []ts.Entry{e(1, mon, "08:00", "09:00", 61, false)}, nil, "break_exceeds_shift"},
		{"negative break", []ts.Entry{e(1, mon, "08:00", "09:00", -1, false)}, nil, "break_negative"},
		{"overlap", []ts.Entry{e(1, mon, "08:00", "12:00", 0, false), e(2, mon, "11:00", "13:00", 0, false)}, nil, "entries_overlap"},
		{"overlap from previous night", []ts.Entry{e(1, mon, "22:00", "06:00", 0, false), e(2, mon.AddDays(1), "05:00", "13:00", 0, false)}, nil, "entries_overlap"},
		{"same start", []ts.Entry{e(1, mon, "08:00", "12:00", 0, true), e(2, mon, "08:00", "12:00", 0, false)}, nil, "entries_overlap"},
		{"touching is fine", []ts.Entry{e(1, mon, "08:00", "12:00", 0, false), e(2, mon, "12:00", "13:00", 0, false)}, map[int]ts.Minutes{1: 240, 2: 60}, ""},
		{"continuous is not an overlap", []ts.Entry{e(1, mon, "08:00", "18:00", 0, true), e(2, mon, "12:00", "13:00", 0, false)}, map[int]ts.Minutes{1: 240, 2: 60}, ""},
		{"invalid clock", []ts.Entry{{ID: 1, Date: mon, Start: 1440, End: 60}}, nil, "clock_invalid"},
		// 2026-03-29: clocks go from 02:00 to 03:00.
		{"spring night shift is an hour shorter", []ts.Entry{e(1, ts.NewDate(2026, 3, 28), "22:00", "06:00", 0, false)}, map[int]ts.Minutes{1: 420}, ""},
		{"spring start in the skipped hour", []ts.Entry{e(1, ts.NewDate(2026, 3, 29), "02:30", "08:00", 0, false)}, nil, "time_does_not_exist"},
		{"spring end in the skipped hour", []ts.Entry{e(1, ts.NewDate(2026, 3, 28), "22:00", "02:15", 0, false)}, nil, "time_does_not_exist"},
		{"spring 01:00 to 04:00 is two hours", []ts.Entry{e(1, ts.NewDate(2026, 3, 29), "01:00", "04:00", 0, false)}, map[int]ts.Minutes{1: 120}, ""},
		// 2026-10-25: clocks go from 03:00 back to 02:00.
		{"autumn night shift is an hour longer", []ts.Entry{e(1, ts.NewDate(2026, 10, 24), "22:00", "06:00", 30, false)}, map[int]ts.Minutes{1: 510}, ""},
		{"autumn repeated hour means the first", []ts.Entry{e(1, ts.NewDate(2026, 10, 25), "00:00", "02:30", 0, false)}, map[int]ts.Minutes{1: 150}, ""},
		{"autumn 01:00 to 04:00 is four hours", []ts.Entry{e(1, ts.NewDate(2026, 10, 25), "01:00", "04:00", 0, false)}, map[int]ts.Minutes{1: 240}, ""},
		{"autumn continuous over the night", []ts.Entry{
			e(1, ts.NewDate(2026, 10, 24), "20:00", "21:00", 0, true),
			e(2, ts.NewDate(2026, 10, 25), "08:00", "09:00", 0, false),
		}, map[int]ts.Minutes{1: 13 * 60, 2: 60}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ts.ComputeWorked(tt.entries, ams)
			if tt.code != "" {
				if !errors.Is(err, &domain.Error{Code: tt.code}) {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results", len(got))
			}
			for i, w := range got {
				if w.Minutes != tt.want[w.EntryID] {
					t.Errorf("entry %d: worked %d, want %d", w.EntryID, w.Minutes, tt.want[w.EntryID])
				}
				if i > 0 && got[i-1].Start.After(w.Start) {
					t.Errorf("not sorted by start")
				}
			}
		})
	}
}

func TestDayTotalsBookOnStartDay(t *testing.T) {
	w := ts.ISOWeek{2026, 5}
	sun := w.End()
	got, err := ts.ComputeWorked([]ts.Entry{
		{ID: 1, Date: w.Start(), Start: clk("22:00"), End: clk("06:00")},
		{ID: 2, Date: sun, Start: clk("22:00"), End: clk("07:00"), Break: 60},
	}, ts.Location())
	if err != nil {
		t.Fatal(err)
	}
	if days := ts.DayTotals(w, got); days != [7]ts.Minutes{480, 0, 0, 0, 0, 0, 480} {
		t.Errorf("DayTotals = %v", days)
	}
}

// Property: for random single shifts across a whole year, worked time is
// never negative, never more than the elapsed time, and the elapsed time is
// the wall-clock difference corrected by exactly the clock change of the
// night, if any.
func TestComputeWorkedProperties(t *testing.T) {
	ams := ts.Location()
	rng := rand.New(rand.NewSource(20260329))
	spring, autumn := ts.NewDate(2026, 3, 29), ts.NewDate(2026, 10, 25)
	for n := 0; n < 20000; n++ {
		d := ts.NewDate(2026, 1, 1).AddDays(rng.Intn(365))
		if n%4 == 0 { // weigh the clock-change nights
			d = []ts.Date{spring, autumn, spring.AddDays(-1), autumn.AddDays(-1)}[rng.Intn(4)]
		}
		e := ts.Entry{ID: 1, Date: d, Start: ts.Clock(rng.Intn(1440)), End: ts.Clock(rng.Intn(1440))}
		wall := int(e.End - e.Start)
		if wall <= 0 {
			wall += 1440
		}
		e.Break = ts.Minutes(rng.Intn(wall))
		got, err := ts.ComputeWorked([]ts.Entry{e}, ams)
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) && de.Code == "time_does_not_exist" {
				continue // start or end in the skipped hour
			}
			if errors.As(err, &de) && de.Code == "break_exceeds_shift" && (d == spring || d.AddDays(1) == spring) {
				continue // the wall-clock span was an hour longer than the real one
			}
			t.Fatalf("%+v: %v", e, err)
		}
		w := got[0]
		if w.Minutes < 0 || w.Minutes > w.Elapsed || w.Elapsed-w.Minutes != e.Break {
			t.Fatalf("%+v: worked %d elapsed %d", e, w.Minutes, w.Elapsed)
		}
		_, offStart := w.Start.Zone()
		_, offEnd := w.End.Zone()
		shift := ts.Minutes((offStart - offEnd) / 60) // -60 in spring, +60 in autumn
		if w.Elapsed != ts.Minutes(wall)+shift {
			t.Fatalf("%+v: elapsed %d, wall %d, shift %d", e, w.Elapsed, wall, shift)
		}
		if shift != 0 && d != spring && d != autumn && d.AddDays(1) != spring && d.AddDays(1) != autumn {
			t.Fatalf("%+v: offset change outside the clock-change nights", e)
		}
		if w.Start.Hour()*60+w.Start.Minute() != int(e.Start) || ts.DateOf(w.Start) != e.Date {
			t.Fatalf("%+v: start resolved to %v", e, w.Start)
		}
	}
}

// Property: for random sets of entries in one week, every result is within
// bounds, results do not overlap, and continuous shifts end exactly where
// the next one starts.
func TestComputeWorkedWeekProperties(t *testing.T) {
	ams := ts.Location()
	rng := rand.New(rand.NewSource(7))
	weeks := []ts.ISOWeek{{2026, 5}, {2026, 13}, {2026, 43}, {2026, 44}}
	ok := 0
	for n := 0; n < 20000; n++ {
		w := weeks[rng.Intn(len(weeks))]
		var entries []ts.Entry
		for id := 1; id <= 1+rng.Intn(5); id++ {
			entries = append(entries, ts.Entry{ID: id, Date: w.Day(rng.Intn(7)),
				Start: ts.Clock(rng.Intn(96) * 15), End: ts.Clock(rng.Intn(96) * 15),
				Break: ts.Minutes(rng.Intn(4) * 15), Continuous: rng.Intn(3) == 0})
		}
		got, err := ts.ComputeWorked(entries, ams)
		if err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				t.Fatalf("untyped error %v", err)
			}
			continue
		}
		ok++
		byID := map[int]ts.Entry{}
		for _, e := range entries {
			byID[e.ID] = e
		}
		for i, r := range got {
			if r.Minutes < 0 || r.Elapsed <= 0 && !byID[r.EntryID].Continuous {
				t.Fatalf("%+v: %+v", entries, r)
			}
			if i+1 < len(got) {
				next := got[i+1]
				if r.End.After(next.Start) {
					t.Fatalf("overlap accepted: %+v", entries)
				}
				if byID[r.EntryID].Continuous && !r.End.Equal(next.Start) {
					t.Fatalf("continuous shift does not end at next start: %+v", entries)
				}
			}
		}
	}
	if ok < 1000 {
		t.Fatalf("only %d valid samples", ok)
	}
}
