package timesheet_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

func TestParseISOWeek(t *testing.T) {
	tests := []struct {
		in         string
		want       ts.ISOWeek
		start, end string
		err        bool
	}{
		{in: "2026-W05", want: ts.ISOWeek{2026, 5}, start: "2026-01-26", end: "2026-02-01"},
		{in: "2026W05", want: ts.ISOWeek{2026, 5}, start: "2026-01-26", end: "2026-02-01"},
		{in: "2026-W01", want: ts.ISOWeek{2026, 1}, start: "2025-12-29", end: "2026-01-04"},
		{in: "2026-W53", want: ts.ISOWeek{2026, 53}, start: "2026-12-28", end: "2027-01-03"},
		{in: "2020-W53", want: ts.ISOWeek{2020, 53}, start: "2020-12-28", end: "2021-01-03"},
		{in: "2025-W01", want: ts.ISOWeek{2025, 1}, start: "2024-12-30", end: "2025-01-05"},
		{in: "0001-W01", want: ts.ISOWeek{1, 1}, start: "0001-01-01", end: "0001-01-07"},
		{in: "9999-W51", want: ts.ISOWeek{9999, 51}, start: "9999-12-20", end: "9999-12-26"},
		{in: "9999-W52", err: true}, // ends 10000-01-02
		{in: "2027-W53", err: true},
		{in: "2025-W53", err: true},
		{in: "2026-W00", err: true},
		{in: "2026-W5", err: true},
		{in: "2026-05", err: true},
		{in: "26-W05", err: true},
		{in: "2026-W+5", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		got, err := ts.ParseISOWeek(tt.in)
		if tt.err {
			if !errors.Is(err, &domain.Error{Code: "week_invalid"}) {
				t.Errorf("ParseISOWeek(%q) err = %v, want week_invalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseISOWeek(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			continue
		}
		if got.Start().String() != tt.start || got.End().String() != tt.end {
			t.Errorf("%v: start/end = %s/%s, want %s/%s", got, got.Start(), got.End(), tt.start, tt.end)
		}
		if got.Start().Weekday() != time.Monday || got.End().Weekday() != time.Sunday {
			t.Errorf("%v: not Monday..Sunday", got)
		}
	}
}

func TestWeeksInYear(t *testing.T) {
	want53 := map[int]bool{2004: true, 2009: true, 2015: true, 2020: true, 2026: true, 2032: true}
	for y := 2000; y <= 2035; y++ {
		want := 52
		if want53[y] {
			want = 53
		}
		if got := ts.WeeksInYear(y); got != want {
			t.Errorf("WeeksInYear(%d) = %d, want %d", y, got, want)
		}
	}
}

// Every day from 2000 to 2040 is in exactly the week whose Start..End holds it.
func TestWeekOfContainsEveryDay(t *testing.T) {
	for d := ts.NewDate(2000, 1, 1); d.Before(ts.NewDate(2040, 1, 1)); d = d.AddDays(1) {
		w := ts.WeekOf(d)
		if !w.Valid() || !w.Contains(d) || d.Before(w.Start()) || d.After(w.End()) {
			t.Fatalf("%s: week %v (%s..%s)", d, w, w.Start(), w.End())
		}
		i, ok := w.DayIndex(d)
		if !ok || w.Day(i) != d {
			t.Fatalf("%s: DayIndex = %d, %v", d, i, ok)
		}
		if w.Contains(w.Start().AddDays(-1)) || w.Contains(w.End().AddDays(1)) {
			t.Fatalf("%v contains a neighbouring day", w)
		}
		if w.Next().Prev() != w || w.Next().Start() != w.Start().AddDays(7) {
			t.Fatalf("%v: Next/Prev", w)
		}
		back, err := ts.ParseISOWeek(w.String())
		if err != nil || back != w {
			t.Fatalf("%v: round trip %v %v", w, back, err)
		}
	}
}

func TestStreamName(t *testing.T) {
	if got := ts.StreamName("pl-42", ts.ISOWeek{2026, 5}); got != "timesheet-pl-42-2026W05" {
		t.Errorf("StreamName = %q", got)
	}
}

func TestDeadlines(t *testing.T) {
	ams := ts.Location()
	w := ts.ISOWeek{2026, 5}
	if got, want := ts.EntryDeadline(w), time.Date(2026, 2, 3, 0, 0, 0, 0, ams); !got.Equal(want) {
		t.Errorf("EntryDeadline = %v, want %v", got, want)
	}
	if got, want := ts.ApprovalDeadline(w), time.Date(2026, 2, 4, 10, 0, 0, 0, ams); !got.Equal(want) {
		t.Errorf("ApprovalDeadline = %v, want %v", got, want)
	}
	// Week 13 of 2026 ends on the night of the spring clock change.
	w13 := ts.ISOWeek{2026, 13}
	if got := ts.EntryDeadline(w13); got.UTC() != time.Date(2026, 3, 30, 22, 0, 0, 0, time.UTC) {
		t.Errorf("EntryDeadline(W13) = %v", got.UTC())
	}
}

func TestFillable(t *testing.T) {
	ams := ts.Location()
	w := ts.ISOWeek{2026, 5}
	period := ts.Period{Start: ts.NewDate(2026, 1, 28), End: ts.NewDate(2026, 3, 31)}
	tests := []struct {
		name   string
		period ts.Period
		week   ts.ISOWeek
		now    time.Time
		code   string
	}{
		{"current week", period, w, time.Date(2026, 1, 26, 0, 0, 0, 0, ams), ""},
		{"past week", period, w, time.Date(2026, 6, 1, 0, 0, 0, 0, ams), ""},
		{"future week", period, w, time.Date(2026, 1, 25, 23, 59, 59, 0, ams), "week_not_started"},
		{"week before placement", period, ts.ISOWeek{2026, 4}, time.Date(2026, 6, 1, 0, 0, 0, 0, ams), "week_outside_placement"},
		{"week after placement", period, ts.ISOWeek{2026, 15}, time.Date(2026, 6, 1, 0, 0, 0, 0, ams), "week_outside_placement"},
		{"last week of placement", period, ts.ISOWeek{2026, 14}, time.Date(2026, 6, 1, 0, 0, 0, 0, ams), ""},
		{"open-ended", ts.Period{Start: ts.NewDate(2026, 1, 1)}, ts.ISOWeek{2030, 1}, time.Date(2030, 1, 1, 0, 0, 0, 0, ams), ""},
	}
	for _, tt := range tests {
		err := ts.CheckFillable(tt.period, tt.week, tt.now)
		if tt.code == "" && err != nil || tt.code != "" && !errors.Is(err, &domain.Error{Code: tt.code}) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.code)
		}
		if ts.Fillable(tt.period, tt.week, tt.now) != (tt.code == "") {
			t.Errorf("%s: Fillable disagrees", tt.name)
		}
	}
}

// TestStringsAsSprintf: Date and ISOWeek format as the Sprintf they
// replace, in and out of the usual ranges.
func TestStringsAsSprintf(t *testing.T) {
	for _, y := range []int{-1, 0, 7, 999, 2026, 9999, 10000} {
		for _, m := range []int{0, 1, 9, 12, 13, 100} {
			for _, day := range []int{-3, 0, 1, 9, 31, 99, 100} {
				d := ts.Date{Year: y, Month: time.Month(m), Day: day}
				want := fmt.Sprintf("%04d-%02d-%02d", y, m, day)
				if d.IsZero() {
					want = ""
				}
				if got := d.String(); got != want {
					t.Errorf("%#v.String() = %q, want %q", d, got, want)
				}
			}
			w := ts.ISOWeek{Year: y, Week: m}
			if got, want := w.String(), fmt.Sprintf("%04d-W%02d", y, m); got != want {
				t.Errorf("%#v.String() = %q, want %q", w, got, want)
			}
		}
	}
}

// TestWeek53OnlyInLongYears: 2026 has a week 53 (28 December – 3 January),
// 2025 and 2027 have not; asking for the week that does not exist says so,
// naming the year's number of weeks, in both languages.
func TestWeek53OnlyInLongYears(t *testing.T) {
	for _, tt := range []struct {
		in       string
		en, nl   string
		wantWeek bool
	}{
		{in: "2026-W53", wantWeek: true},
		{in: "2025-W53", en: "2025 has 52 ISO weeks (its last days are in 2026-W01)", nl: "2025 heeft 52 weken (de laatste dagen vallen in week 1 van 2026)"},
		{in: "2027W53", en: "2027 has 52 ISO weeks", nl: "2027 heeft 52 weken"},
		{in: "2026-W54", en: "is not an ISO week", nl: "is geen geldige week"},
		{in: "2026-W00", en: "is not an ISO week", nl: "is geen geldige week"},
	} {
		w, err := ts.ParseISOWeek(tt.in)
		if tt.wantWeek {
			if err != nil || w.Next() != (ts.ISOWeek{Year: 2027, Week: 1}) || (ts.ISOWeek{Year: 2027, Week: 1}).Prev() != w {
				t.Errorf("%s: %v, %v; want the week before 2027-W01", tt.in, w, err)
			}
			continue
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != "week_invalid" || de.Field != "week" {
			t.Fatalf("%s: err = %v, want week_invalid on week", tt.in, err)
		}
		if !strings.Contains(de.Message, tt.en) || !strings.Contains(de.MessageNL, tt.nl) {
			t.Errorf("%s: messages %q / %q, want %q / %q", tt.in, de.Message, de.MessageNL, tt.en, tt.nl)
		}
	}
}
