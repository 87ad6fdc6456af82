package validate_test

import (
	"testing"

	"backoffice/domain/validate"
)

// fuzzNormalize fuzzes normalize from the seeds: a refusal returns no
// value, and an accepted value's canonical form normalizes to itself and
// passes accepted, the checks of this kind of value.
func fuzzNormalize(f *testing.F, normalize func(string) (string, error), seeds []string, accepted func(t *testing.T, s, v string)) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := normalize(s)
		if err != nil {
			if v != "" {
				t.Fatalf("refused %q but returned %q", s, v)
			}
			return
		}
		if again, err := normalize(v); err != nil || again != v {
			t.Fatalf("canonical %q does not re-validate: %q, %v", v, again, err)
		}
		accepted(t, s, v)
	})
}

func FuzzBSN(f *testing.F) {
	seeds := []string{"111222333", "123456782", "000000000", "1112.22.333", "", "12345678x", "１２３"}
	fuzzNormalize(f, validate.NormalizeBSN, seeds, func(t *testing.T, s, v string) {
		if len(v) != 9 || v == "000000000" {
			t.Fatalf("accepted %q as %q", s, v)
		}
	})
}

func FuzzIBAN(f *testing.F) {
	seeds := []string{"NL91ABNA0417164300", "nl91 abna 0417 1643 00", "DE89370400440532013000", "", "NL", "XX00", "GB29NWBK60161331926819"}
	fuzzNormalize(f, validate.NormalizeIBAN, seeds, func(t *testing.T, s, v string) {
		if again, err := validate.NormalizeIBAN(validate.FormatIBAN(v)); err != nil || again != v {
			t.Fatalf("display form of %q does not re-validate: %q, %v", v, again, err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	seeds := []string{"06-12345678", "+31 (0)6 12345678", "0031201234567", "+48512345678", "", "+"}
	normalize := func(s string) (string, error) { return validate.NormalizePhone("phone", s) }
	fuzzNormalize(f, normalize, seeds, func(*testing.T, string, string) {})
}
