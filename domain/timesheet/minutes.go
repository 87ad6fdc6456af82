package timesheet

import (
	"fmt"
	"strings"

	"backoffice/domain"
)

// Minutes is a duration in whole minutes: hours are stored this way, never
// as floats.
type Minutes int

// MinutesPerDay is the most one day can hold (24 hours).
const MinutesPerDay Minutes = 24 * 60

// MaxBookedPerDay is the most a day's booked minutes can reach: 24 hours
// plus the hour the autumn clock change adds to shifts that start on that
// day and run through the night the clocks go back (checkDays). Typed
// hours stay within MinutesPerDay; payroll bounds its items by this.
const MaxBookedPerDay Minutes = MinutesPerDay + 60

// String formats m as hours and minutes, "7:30"; ParseHours reads it back.
func (m Minutes) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d:%02d", sign, int(m)/60, int(m)%60)
}

// Decimal formats m as Dutch decimal hours with at most two decimals,
// "7,5" or "7,25"; values that are not a multiple of 3 minutes are rounded
// for display (use String for an exact form).
func (m Minutes) Decimal() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	hundredths := (int(m)*100 + 30) / 60
	s := fmt.Sprintf("%s%d,%02d", sign, hundredths/100, hundredths%100)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ",")
}

func hoursErr(code, s, en, nl string) error {
	return domain.Invalid(code, "hours", domain.Quote(s)+": "+en, domain.Quote(s)+": "+nl)
}

// ParseHours reads an hour value as typed in the timesheet editor: "8",
// "7,5", "7.5", "7:30", ",5" (half an hour) and "" (zero); spaces around the
// value are ignored. It refuses, with a KindInvalid *domain.Error:
//
//   - negatives ("hours_negative") and more than 24 hours ("hours_over_24h");
//   - more than two decimals ("hours_too_many_decimals");
//   - decimal values that are not whole minutes, such as 7,33 h
//     ("hours_not_whole_minutes"): values are never rounded;
//   - minutes of 60 or more, or not two digits, in "h:mm"; anything else
//     ("hours_invalid").
func ParseHours(s string) (Minutes, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	if t[0] == '-' {
		return 0, hoursErr("hours_negative", s, "hours cannot be negative", "uren kunnen niet negatief zijn.")
	}
	garbage := func() (Minutes, error) {
		return 0, hoursErr("hours_invalid", s, "not a number of hours (e.g. 7,5 or 7:30)",
			"geen geldig aantal uren (bijvoorbeeld 7,5 of 7:30).")
	}
	digits := func(x string) (int, bool) {
		n := 0
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return 0, false
			}
			n = n*10 + int(x[i]-'0')
		}
		return n, true
	}
	var total int
	if hs, ms, ok := strings.Cut(t, ":"); ok {
		h, okh := digits(hs)
		m, okm := digits(ms)
		if !okh || !okm || len(hs) == 0 || len(hs) > 2 || len(ms) != 2 || m >= 60 {
			return garbage()
		}
		total = h*60 + m
	} else {
		sep := strings.IndexAny(t, ",.")
		hs, fs := t, ""
		if sep >= 0 {
			hs, fs = t[:sep], t[sep+1:]
			if fs == "" {
				return garbage()
			}
		}
		h, okh := digits(hs)
		f, okf := digits(fs)
		if !okh || !okf || len(hs) > 2 || (hs == "" && fs == "") {
			return garbage()
		}
		if len(fs) > 2 {
			return 0, hoursErr("hours_too_many_decimals", s, "at most two decimals",
				"gebruik hoogstens twee decimalen.")
		}
		if len(fs) == 1 {
			f *= 10
		}
		// f hundredths of an hour = 0.6*f minutes: whole only when f%5 == 0.
		if f%5 != 0 {
			return 0, hoursErr("hours_not_whole_minutes", s, "not a whole number of minutes; use h:mm (e.g. 7:20)",
				"dit is geen heel aantal minuten; gebruik uu:mm (bijvoorbeeld 7:20).")
		}
		total = h*60 + f*60/100
	}
	if Minutes(total) > MinutesPerDay {
		return 0, hoursErr("hours_over_24h", s, "more than 24 hours", "meer dan 24 uur.")
	}
	return Minutes(total), nil
}
