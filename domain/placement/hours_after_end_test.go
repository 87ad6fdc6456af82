package placement_test

import (
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/domain/placement"
)

// TestCheckNoHoursAfterEnd: ending a placement with hours after the new
// end is refused, naming every week concerned once (issue 11 §1).
func TestCheckNoHoursAfterEnd(t *testing.T) {
	booked := []placement.Booked{
		{Week: "2026-W05", Day: day("2026-01-29")},
		{Week: "2026-W05", Day: day("2026-01-30")},
		{Week: "2026-W06", Day: day("2026-02-02")},
	}
	tests := []struct {
		name  string
		end   string
		weeks []string // nil: allowed
	}{
		{"after every booked day", "2026-02-02", nil},
		{"between the weeks", "2026-01-30", []string{"2026-W06"}},
		{"mid-week", "2026-01-29", []string{"2026-W05", "2026-W06"}},
		{"before everything", "2026-01-05", []string{"2026-W05", "2026-W06"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := placement.CheckNoHoursAfterEnd(day(tt.end), booked)
			if tt.weeks == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if domain.KindOf(err) != domain.KindRule || !strings.Contains(err.Error(), "hours_after_end") {
				t.Fatalf("err = %v, want hours_after_end", err)
			}
			for _, w := range []string{"2026-W05", "2026-W06"} {
				want := false
				for _, x := range tt.weeks {
					want = want || x == w
				}
				if got := strings.Count(err.Error(), w); (got == 1) != want || got > 1 {
					t.Fatalf("%v names %s %d times, want %v", err, w, got, want)
				}
			}
		})
	}
	if err := placement.CheckNoHoursAfterEnd(day("2026-01-01"), nil); err != nil {
		t.Fatalf("no hours: %v", err)
	}
}
