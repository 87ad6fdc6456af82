package domaintest

import (
	"errors"
	"testing"

	"backoffice/domain"
)

// FuzzParse fuzzes parse, a reader of a typed text value (a date, a clock
// time, a week, hours, a payroll period), from the seeds: a refusal is
// invalid at field (InvalidAt) and returns the zero value; what it accepts
// reads back from its printed form to the same value and passes accepted,
// the checks of this kind of value.
func FuzzParse[T interface {
	comparable
	String() string
}](f *testing.F, field string, parse func(string) (T, error), seeds []string, accepted func(t *testing.T, s string, v T)) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parse(s)
		if err != nil {
			InvalidAt(t, err, field, s)
			var zero T
			if v != zero {
				t.Fatalf("%q: refused, but returned %v", s, v)
			}
			return
		}
		accepted(t, s, v)
		if back, err := parse(v.String()); err != nil || back != v {
			t.Fatalf("%q reads back as %v, %v; want %v", v.String(), back, err, v)
		}
	})
}

// InvalidAt fails the test unless err, the refusal of the input s, is the
// typed error of the field it names with a code and both messages (the one
// mapping to HTTP and the forms rely on it).
func InvalidAt(t *testing.T, err error, field, s string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != field || de.Code == "" || de.Message == "" || de.MessageNL == "" {
		t.Fatalf("%q: error %v is not invalid at %s", s, err, field)
	}
}
