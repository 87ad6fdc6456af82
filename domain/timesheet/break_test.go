package timesheet_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

func TestParseBreak(t *testing.T) {
	for in, want := range map[string]ts.Minutes{
		"": 0, "30": 30, " 45 ": 45, "0:30": 30, "1:00": 60, "0,5": 30, "0.75": 45, "90": 90, "0": 0,
	} {
		got, err := ts.ParseBreak(in)
		if err != nil || got != want {
			t.Errorf("ParseBreak(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"abc", "-30", "1441", "30m", "0:3", "12345"} {
		if _, err := ts.ParseBreak(in); err == nil {
			t.Errorf("ParseBreak(%q) accepted", in)
		}
	}
	// A refused break is worded as a break, also where the value is read
	// as hours ("0:75" said "geen geldig aantal uren").
	for in, want := range map[string]string{
		"-5":    `"-5": een pauze kan niet negatief zijn.`,
		"0:75":  `"0:75": geen geldige pauze (bijvoorbeeld 30 minuten of 0:30).`,
		"1,333": `"1,333": geen geldige pauze (bijvoorbeeld 30 minuten of 0:30).`,
		"abc":   `"abc": geen geldige pauze (bijvoorbeeld 30 minuten of 0:30).`,
	} {
		_, err := ts.ParseBreak(in)
		var de *domain.Error
		if !errors.As(err, &de) || de.MessageNL != want || de.Field != "hours" {
			t.Errorf("ParseBreak(%q) = %v, want %q", in, err, want)
		}
	}
}

// FuzzParseBreak: an accepted break lies within a day, and a whole number
// is read as that many minutes (the refusal and read-back: FuzzParse).
func FuzzParseBreak(f *testing.F) {
	seeds := []string{"30", "0:30", "0,5", "", "1440", "abc", "99999"}
	domaintest.FuzzParse(f, "hours", ts.ParseBreak, seeds, func(t *testing.T, s string, m ts.Minutes) {
		if m < 0 || m > ts.MinutesPerDay {
			t.Fatalf("ParseBreak(%q) = %d", s, m)
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && !strings.ContainsAny(s, "+-") && ts.Minutes(n) != m {
			t.Fatalf("ParseBreak(%q) = %d, want %d minutes", s, m, n)
		}
	})
}
