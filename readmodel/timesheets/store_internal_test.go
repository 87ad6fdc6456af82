package timesheets

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// TestUpdateSetsOnlyWhatTheEventChanged: the UPDATE of a stored row sets
// the head (status, revision, ...) and the column groups its events
// changed, nothing else.
func TestUpdateSetsOnlyWhatTheEventChanged(t *testing.T) {
	w := ts.ISOWeek{Year: 2026, Week: 5}
	at := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	recOf := func(e domain.Event) eventstore.RecordedEvent {
		return eventstore.RecordedEvent{Stream: "timesheet-p1-2026W05", Type: e.EventType(),
			Metadata: eventstore.Metadata{ActorRole: "worker", OccurredAt: at}, Created: at}
	}
	stored := func() *sheet { // as loaded: nothing touched yet
		s := &sheet{stream: "timesheet-p1-2026W05", revision: 3, oldRevision: 3, opened: true, PlacementID: "p1",
			WeekStart: w.Start().String(), Status: "open", Lines: []Line{}}
		return s
	}
	set := func(s *sheet) []string {
		sql, args := updateOf(s)
		var cols []string
		set, _, _ := strings.Cut(sql, " WHERE ")
		for _, m := range regexp.MustCompile(`(\w+) = \$\d+`).FindAllStringSubmatch(set, -1) {
			cols = append(cols, m[1])
		}
		if len(cols) != len(args)-2 || !strings.HasSuffix(sql, fmt.Sprintf("revision < $%d", len(args))) || args[len(args)-1] != s.revision {
			t.Fatalf("%d columns, %d values: %s", len(cols), len(args)-1, sql)
		}
		return cols
	}
	head := []string{"status", "next_party", "next_step", "offered_hash", "offered_late", "approved_late", "revision", "updated_at"}
	for _, tc := range []struct {
		event     domain.Event
		want, not []string
	}{
		{&ts.RemarkAdded{Remark: ts.Remark{Text: "x", By: domain.RoleWorker}},
			[]string{"remark_texts", "remark_roles", "remark_accounts", "remark_ats"},
			[]string{"line_hour_types", "line_minutes", "hour_totals", "expense_ids", "step_parties", "day_totals", "placement_id"}},
		{&ts.LineSet{Line: ts.Line{HourType: ts.HourType{Code: "100"}, Minutes: [7]ts.Minutes{60}}, DayTotals: [7]ts.Minutes{60}},
			[]string{"line_hour_types", "line_minutes", "hour_totals", "day_totals", "total_minutes"},
			[]string{"remark_texts", "expense_ids", "step_parties", "entry_ids", "rejected_reason"}},
		{&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseParking, Date: w.Start(), AmountCents: 100}},
			[]string{"expense_ids", "expense_amounts", "expenses_cents", "expense_km"},
			[]string{"line_minutes", "hour_totals", "remark_texts", "day_totals"}},
	} {
		s := stored()
		if err := s.apply(tc.event, recOf(tc.event)); err != nil {
			t.Fatal(err)
		}
		s.revision = 4
		cols := set(s)
		if again := set(s); !slices.Equal(again, cols) { // the text kept for these groups
			t.Errorf("%s: the second UPDATE sets %v, the first %v", tc.event.EventType(), again, cols)
		}
		for _, c := range append(slices.Clone(head), tc.want...) {
			if !slices.Contains(cols, c) {
				t.Errorf("%s: UPDATE does not set %s: %v", tc.event.EventType(), c, cols)
			}
		}
		for _, c := range tc.not {
			if slices.Contains(cols, c) {
				t.Errorf("%s: UPDATE sets %s, which it did not change: %v", tc.event.EventType(), c, cols)
			}
		}
	}
}

// TestHourTotalsAsEncodingJSON: hour_totals, encoded by hand, is what
// encoding/json makes of the same totals, for names it escapes too.
func TestHourTotalsAsEncodingJSON(t *testing.T) {
	names := []string{"Normale uren", `"quoted" \ back`, "<b>&amp;</b>", "café ✓ 🙂", "tab\there", "\u2028line", "", "bad \xff utf8"}
	for n := range 2 * len(names) {
		s := &sheet{}
		for i := range n {
			s.Lines = append(s.Lines, Line{HourType: fmt.Sprintf("%d", 100+(i*7)%5), Name: names[i%len(names)],
				Percentage: 100 + 25*(i%3), Absence: i%4 == 1, Total: 60 * i})
		}
		b, err := json.Marshal(s.totalsByCode())
		if err != nil {
			t.Fatal(err)
		}
		if got := s.hourTotals(); got != string(b) {
			t.Errorf("%d lines:\n got %s\nwant %s", n, got, b)
		}
	}
}
