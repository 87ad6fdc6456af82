package domain_test

import (
	"testing"

	"backoffice/domain"
)

func TestParseEuro(t *testing.T) {
	for _, c := range []struct {
		in   string
		want domain.Cents
		ok   bool
	}{
		{"1.234,56", 123456, true}, {"1234,56", 123456, true}, {"1234", 123400, true}, {"1.234", 123400, true},
		{"1.234.567,8", 123456780, true}, {"€ 12,5", 1250, true}, {"€12,50", 1250, true}, {"12.50", 1250, true},
		{"12.5", 1250, true}, {"€ 3", 300, true}, {",99", 99, true}, {",50", 50, true}, {"0,01", 1, true},
		{"-250,00", -25000, true}, {"- 1,00", -100, true}, {"-0,50", -50, true}, {"€ -1.234,56", -123456, true},
		{"1000000000", 100000000000, true},
		{"", 0, false}, {"-", 0, false}, {",", 0, false}, {"12,", 0, false}, {"12,345", 0, false}, {"1,234", 0, false},
		{"1.23,00", 0, false}, {"1234.567,00", 0, false}, {".123", 0, false}, {"1,234.56", 0, false}, {"12.5.0", 0, false},
		{"+5", 0, false}, {"+1", 0, false}, {"--5", 0, false}, {"1 234,00", 0, false}, {"1e3", 0, false}, {"abc", 0, false},
		{"1000000001", 0, false}, {"99999999999999999999", 0, false}, {"١٢", 0, false},
	} {
		got, err := domain.ParseEuro(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseEuro(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestCentsFormat(t *testing.T) {
	for _, c := range []struct {
		cents  domain.Cents
		nl, en string
	}{
		{0, "€ 0,00", "€0.00"}, {5, "€ 0,05", "€0.05"}, {1250, "€ 12,50", "€12.50"}, {123456, "€ 1.234,56", "€1,234.56"},
		{100000000, "€ 1.000.000,00", "€1,000,000.00"}, {-123456, "€ -1.234,56", "-€1,234.56"}, {-50, "€ -0,50", "-€0.50"},
	} {
		if got := c.cents.Format(); got != c.nl {
			t.Errorf("nl %d: %q, want %q", c.cents, got, c.nl)
		}
		if got := c.cents.FormatIn("en"); got != c.en {
			t.Errorf("en %d: %q, want %q", c.cents, got, c.en)
		}
	}
}

// FuzzEuroRoundTrip: every amount ParseEuro may read comes back from its
// own Format; and whatever ParseEuro accepts is within its bounds.
func FuzzEuroRoundTrip(f *testing.F) {
	for _, c := range []int64{0, 1, -1, 50, -50, 123456, -123456, domain.MaxEuro * 100, -domain.MaxEuro * 100} {
		f.Add(c, "1.234,56")
	}
	f.Add(int64(99), "-0,50")
	f.Fuzz(func(t *testing.T, n int64, s string) {
		c := domain.Cents(n % (domain.MaxEuro*100 + 1))
		back, err := domain.ParseEuro(c.Format())
		if err != nil || back != c {
			t.Fatalf("ParseEuro(%q) = %d, %v; want %d", c.Format(), back, err, c)
		}
		if got, err := domain.ParseEuro(s); err == nil {
			if got > domain.MaxEuro*100 || got < -domain.MaxEuro*100 {
				t.Fatalf("ParseEuro(%q) = %d: out of bounds", s, got)
			}
			if again, err := domain.ParseEuro(got.Format()); err != nil || again != got {
				t.Fatalf("ParseEuro(%q) = %d, but its Format %q reads %d, %v", s, got, got.Format(), again, err)
			}
		}
	})
}
