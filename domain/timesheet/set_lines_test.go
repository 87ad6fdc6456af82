package timesheet_test

import (
	"errors"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

func TestSetLines(t *testing.T) {
	in := func(code string, m [7]ts.Minutes) ts.LineInput { return ts.LineInput{HourType: code, Minutes: m} }
	terms := baseTerms()
	cases := []struct {
		name      string
		given     []cmd
		lines     []ts.LineInput
		code      string // refusal, or "" for allowed
		field     string
		wantLines map[string][7]ts.Minutes // the lines after (allowed only)
		events    int                      // LineSet events recorded
	}{
		{name: "two lines on a new timesheet", lines: []ts.LineInput{in("N", days(480, 480)), in("O125", days(60))},
			wantLines: map[string][7]ts.Minutes{"N": days(480, 480), "O125": days(60)}, events: 2},
		{name: "an error on line 2 keeps line 1 out too", given: []cmd{stdLine},
			lines: []ts.LineInput{in("N", days(420)), in("O125", days(0, -60))}, code: "hours_negative", field: "lines.O125.tue"},
		{name: "an hour type not agreed names its line", lines: []ts.LineInput{in("N", days(60)), in("X", days(60))},
			code: "hour_type_not_agreed", field: "lines.X"},
		{name: "a day over 24 hours over all lines names the day", given: []cmd{stdLine},
			lines: []ts.LineInput{in("O125", days(17*60))}, code: "day_over_24h", field: "mon"},
		{name: "hours moved between lines on a full day", given: []cmd{setLine(worker, terms, "N", days(24*60))},
			lines:     []ts.LineInput{in("O125", days(8*60)), in("N", days(16*60))},
			wantLines: map[string][7]ts.Minutes{"N": days(16 * 60), "O125": days(8 * 60)}, events: 2},
		{name: "an unchanged line records nothing", given: []cmd{stdLine},
			lines:     []ts.LineInput{in("N", days(480, 480, 480, 480, 480)), in("O125", days(0, 30))},
			wantLines: map[string][7]ts.Minutes{"N": days(480, 480, 480, 480, 480), "O125": days(0, 30)}, events: 1},
		{name: "the same hour type twice", lines: []ts.LineInput{in("N", days(60)), in("N", days(120))},
			code: "line_repeated", field: "lines.N"},
		{name: "no lines", lines: nil, code: "lines_required", field: "lines"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := load(t, history(t, tc.given...))
			before := a.Version()
			evs, err := a.SetLines(worker, terms, tc.lines, now)
			if tc.code != "" {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != tc.code || de.Field != tc.field || de.MessageNL == "" {
					t.Fatalf("err = %v, want %s at %s", err, tc.code, tc.field)
				}
				if len(evs) != 0 || a.Version() != before {
					t.Fatalf("a refused batch recorded %d events", len(evs))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range evs {
				if _, ok := e.(*ts.LineSet); ok {
					n++
				}
			}
			if n != tc.events {
				t.Fatalf("%d LineSet events, want %d", n, tc.events)
			}
			got := map[string][7]ts.Minutes{}
			for _, l := range a.Lines() {
				got[l.HourType.Code] = l.Minutes
			}
			if len(got) != len(tc.wantLines) {
				t.Fatalf("lines after: %v, want %v", got, tc.wantLines)
			}
			for c, m := range tc.wantLines {
				if got[c] != m {
					t.Fatalf("line %s = %v, want %v", c, got[c], m)
				}
			}
			// The last event carries the day totals of the whole batch.
			last := evs[len(evs)-1].(*ts.LineSet)
			if last.DayTotals != a.DayTotals() {
				t.Fatalf("last day totals %v, want %v", last.DayTotals, a.DayTotals())
			}
		})
	}
}

func TestSetLinesRefusesWhoDoesNotEnter(t *testing.T) {
	a := &ts.Timesheet{}
	_, err := a.SetLines(client, baseTerms(), []ts.LineInput{{HourType: "N", Minutes: days(60)}}, now)
	wantErr(t, err, "not_the_enterer", domain.KindForbidden)
}
