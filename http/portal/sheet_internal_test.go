package portal

import (
	"testing"

	"backoffice/domain/timesheet"
)

func TestHourTypeLabel(t *testing.T) {
	for _, tc := range []struct {
		h    timesheet.HourType
		want string
	}{
		{timesheet.HourType{Name: "Overuren 125%", Percentage: 125}, "Overuren 125%"},
		{timesheet.HourType{Name: "Overuren 125 %", Percentage: 125}, "Overuren 125 %"},
		{timesheet.HourType{Name: "Overuren", Percentage: 125}, "Overuren (125%)"},
		{timesheet.HourType{Name: "Normale uren", Percentage: 100}, "Normale uren (100%)"},
	} {
		if got := hourTypeLabel(tc.h); got != tc.want {
			t.Errorf("hourTypeLabel(%q) = %q, want %q", tc.h.Name, got, tc.want)
		}
	}
}
