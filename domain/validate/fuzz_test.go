package validate_test

import (
	"testing"

	"backoffice/domain/validate"
)

func FuzzBSN(f *testing.F) {
	for _, s := range []string{"111222333", "123456782", "000000000", "1112.22.333", "", "12345678x", "１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := validate.NormalizeBSN(s)
		if err != nil {
			if v != "" {
				t.Fatalf("refused %q but returned %q", s, v)
			}
			return
		}
		if len(v) != 9 || v == "000000000" {
			t.Fatalf("accepted %q as %q", s, v)
		}
		again, err := validate.NormalizeBSN(v)
		if err != nil || again != v {
			t.Fatalf("canonical %q does not re-validate: %q, %v", v, again, err)
		}
	})
}

func FuzzIBAN(f *testing.F) {
	for _, s := range []string{"NL91ABNA0417164300", "nl91 abna 0417 1643 00", "DE89370400440532013000", "", "NL", "XX00", "GB29NWBK60161331926819"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := validate.NormalizeIBAN(s)
		if err != nil {
			if v != "" {
				t.Fatalf("refused %q but returned %q", s, v)
			}
			return
		}
		again, err := validate.NormalizeIBAN(v)
		if err != nil || again != v {
			t.Fatalf("canonical %q does not re-validate: %q, %v", v, again, err)
		}
		if again, err := validate.NormalizeIBAN(validate.FormatIBAN(v)); err != nil || again != v {
			t.Fatalf("display form of %q does not re-validate: %q, %v", v, again, err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"06-12345678", "+31 (0)6 12345678", "0031201234567", "+48512345678", "", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := validate.NormalizePhone("phone", s)
		if err != nil {
			return
		}
		again, err := validate.NormalizePhone("phone", v)
		if err != nil || again != v {
			t.Fatalf("canonical %q does not re-validate: %q, %v", v, again, err)
		}
	})
}
