package timesheet_test

import (
	"errors"
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		in   string
		want ts.Minutes
		code string
	}{
		{"", 0, ""},
		{"  ", 0, ""},
		{"8", 480, ""},
		{"0", 0, ""},
		{"7,5", 450, ""},
		{"7.5", 450, ""},
		{"7:30", 450, ""},
		{" 7:30 ", 450, ""},
		{"07:05", 425, ""},
		{"7,25", 435, ""},
		{"7.75", 465, ""},
		{"7,1", 426, ""},
		{"7,05", 423, ""},
		{",5", 30, ""},
		{"0,5", 30, ""},
		{"24", 1440, ""},
		{"24:00", 1440, ""},
		{"24,0", 1440, ""},
		{"24,05", 0, "hours_over_24h"},
		{"24:01", 0, "hours_over_24h"},
		{"25", 0, "hours_over_24h"},
		{"99:59", 0, "hours_over_24h"},
		{"-1", 0, "hours_negative"},
		{"-0,5", 0, "hours_negative"},
		{"7,333", 0, "hours_too_many_decimals"},
		{"7,33", 0, "hours_not_whole_minutes"},
		{"7,01", 0, "hours_not_whole_minutes"},
		{"7:60", 0, "hours_invalid"},
		{"7:5", 0, "hours_invalid"},
		{":30", 0, "hours_invalid"},
		{"7,", 0, "hours_invalid"},
		{"7,5,0", 0, "hours_invalid"},
		{"7.5.", 0, "hours_invalid"},
		{"abc", 0, "hours_invalid"},
		{"+8", 0, "hours_invalid"},
		{"8u", 0, "hours_invalid"},
		{"7 ,5", 0, "hours_invalid"},
		{"100", 0, "hours_invalid"},
		{"1e1", 0, "hours_invalid"},
		{"٧", 0, "hours_invalid"},
		{",", 0, "hours_invalid"},
	}
	for _, tt := range tests {
		got, err := ts.ParseHours(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &domain.Error{Code: tt.code}) || domain.KindOf(err) != domain.KindInvalid {
				t.Errorf("ParseHours(%q) = %v, %v; want %s", tt.in, got, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseHours(%q) = %v, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestMinutesFormat(t *testing.T) {
	tests := []struct {
		m        ts.Minutes
		str, dec string
	}{
		{0, "0:00", "0"}, {450, "7:30", "7,5"}, {435, "7:15", "7,25"}, {480, "8:00", "8"},
		{1440, "24:00", "24"}, {7, "0:07", "0,12"}, {-90, "-1:30", "-1,5"},
	}
	for _, tt := range tests {
		if tt.m.String() != tt.str || tt.m.Decimal() != tt.dec {
			t.Errorf("%d: %q %q, want %q %q", tt.m, tt.m.String(), tt.m.Decimal(), tt.str, tt.dec)
		}
	}
	// Every whole-minute value of a day round-trips through both forms where exact.
	for m := ts.Minutes(0); m <= ts.MinutesPerDay; m++ {
		if got, err := ts.ParseHours(m.String()); err != nil || got != m {
			t.Fatalf("%d: String round trip %v %v", m, got, err)
		}
		if m%3 == 0 {
			if got, err := ts.ParseHours(m.Decimal()); err != nil || got != m {
				t.Fatalf("%d: Decimal %q round trip %v %v", m, m.Decimal(), got, err)
			}
		}
	}
}

// FuzzParseHours: an accepted value lies within a day, and one of whole
// 3-minute steps also reads back from its decimal form.
func FuzzParseHours(f *testing.F) {
	seeds := []string{"", "8", "7,5", "7.5", "7:30", "24:00", "-1", "7,333", "7,33", ",5", "99", "1:1", "٧", "\x00"}
	domaintest.FuzzParse(f, "hours", ts.ParseHours, seeds, func(t *testing.T, s string, m ts.Minutes) {
		if m < 0 || m > ts.MinutesPerDay {
			t.Fatalf("ParseHours(%q) = %d out of range", s, m)
		}
		if m%3 == 0 {
			if back, err := ts.ParseHours(m.Decimal()); err != nil || back != m {
				t.Fatalf("ParseHours(%q) = %d; %q reparses to %d, %v", s, m, m.Decimal(), back, err)
			}
		}
	})
}
