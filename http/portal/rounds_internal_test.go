package portal

import (
	"testing"

	"backoffice/domain/timesheet"
)

// TestDeltasCarryTheirSign: a round's differences show "+" or a
// typographic minus before the size, and a plain 0.
func TestDeltasCarryTheirSign(t *testing.T) {
	v := &view{Lang: "nl"}
	for _, tt := range []struct{ got, want string }{
		{v.HDelta(timesheet.Minutes(90)), "+1,5"},
		{v.HDelta(timesheet.Minutes(-480)), "−8"},
		{v.HDelta(0), "0"},
		{v.EuroDelta(1250), "+" + formatEuro("nl", 1250)},
		{v.EuroDelta(-1250), "−" + formatEuro("nl", 1250)},
		{v.EuroDelta(0), "0"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
