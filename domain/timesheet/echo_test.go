package timesheet_test

import (
	"errors"
	"strings"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// A refused value is repeated in the error message, but never more than
// its start: a hostile client's megabyte comes back as a short message
// (the API answered hours_invalid with a 500 kB body).
func TestRefusedValuesAreEchoedShort(t *testing.T) {
	big := strings.Repeat("9", 1<<20)
	parses := map[string]func(string) error{
		"ParseHours":   func(s string) error { _, err := ts.ParseHours(s); return err },
		"ParseClock":   func(s string) error { _, err := ts.ParseClock(s); return err },
		"ParseDate":    func(s string) error { _, err := ts.ParseDate(s); return err },
		"ParseISOWeek": func(s string) error { _, err := ts.ParseISOWeek(s); return err },
	}
	for name, parse := range parses {
		var de *domain.Error
		if err := parse(big); !errors.As(err, &de) {
			t.Fatalf("%s(1 MB): %v, want a *domain.Error", name, err)
		}
		for _, msg := range []string{de.Message, de.MessageNL} {
			if len(msg) > 200 || !strings.Contains(msg, `"99999`) || !strings.Contains(msg, "…") {
				t.Errorf("%s(1 MB): message of %d bytes %.80q, want the value's start and …", name, len(msg), msg)
			}
		}
	}
	// A short value is repeated whole.
	var de *domain.Error
	if _, err := ts.ParseHours("abc"); !errors.As(err, &de) || !strings.HasPrefix(de.MessageNL, `"abc": `) {
		t.Errorf("ParseHours(abc): %v", err)
	}
	// Cut by characters, not bytes: no broken UTF-8 in the message.
	if _, err := ts.ParseClock(strings.Repeat("é", 100)); !errors.As(err, &de) || !strings.Contains(de.MessageNL, strings.Repeat("é", 32)+"…") {
		t.Errorf("ParseClock(100 × é): %v", err)
	}
	// Nothing typed is asked for, not quoted back as `"" is geen geldige tijd`.
	if _, err := ts.ParseClock(""); !errors.As(err, &de) || de.Code != "clock_invalid" || de.MessageNL != "Vul een tijd in (uu:mm)." {
		t.Errorf("ParseClock(\"\"): %v", err)
	}
}
