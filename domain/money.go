package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of money in euro cents. It is the one money type of
// the product: forms parse it with ParseEuro and pages show it with Format,
// so an amount reads the same wherever it is typed.
type Cents int64

// MaxEuro bounds what ParseEuro reads (in whole euros); the domain's rules
// have their own, lower limits per field.
const MaxEuro = 1_000_000_000

// ErrEuro is the error of an amount ParseEuro cannot read.
var ErrEuro = errors.New("not an amount in euros (e.g. 1.234,56)")

// ParseEuro reads an amount in euros as Dutch users type it: "1.234,56",
// "1234,56", "1234", ",50", "€ 12,5", "-0,50", "- 1,00" (a credit note or a
// correction; a field that allows no negative amount says so in its rule).
// A comma is the decimal separator and dots group thousands in threes;
// without a comma, a single dot followed by one or two digits ("12.50") is
// the decimal point, as a number pad types it. At most two decimals and
// MaxEuro euros; anything else is ErrEuro.
func ParseEuro(s string) (Cents, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "€"))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimSpace(strings.TrimPrefix(s, "-"))
	whole, frac, hasComma := strings.Cut(s, ",")
	if !hasComma {
		if i := strings.LastIndex(s, "."); i >= 0 && strings.Count(s, ".") == 1 && len(s)-i-1 <= 2 {
			whole, frac = s[:i], s[i+1:]
		}
	}
	if whole == "" && (!hasComma || frac == "") || len(frac) > 2 || (hasComma && frac == "") || !digits(frac) {
		return 0, ErrEuro
	}
	if strings.Contains(whole, ".") {
		groups := strings.Split(whole, ".")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrEuro
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrEuro
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0" // ",50"
	}
	if !digits(whole) || len(whole) > 10 {
		return 0, ErrEuro
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > MaxEuro {
		return 0, ErrEuro
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, ErrEuro
	}
	c := Cents(w*100 + f)
	if neg {
		c = -c
	}
	return c, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Format shows the amount in Dutch: "€ 1.234,56", "€ -0,50". ParseEuro
// reads it back.
func (c Cents) Format() string { return c.FormatIn("nl") }

// FormatIn shows the amount in the language lang: Dutch ("€ 1.234,56",
// "€ -1.234,56") or English ("€1,234.56", "-€1,234.56").
func (c Cents) FormatIn(lang string) string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", uint64(-(c+1))+1 // no overflow at MinInt64
	}
	group, dec := ".", ","
	if lang == "en" {
		group, dec = ",", "."
	}
	whole := strconv.FormatUint(u/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + group + whole[i:]
	}
	if lang == "en" {
		return fmt.Sprintf("%s€%s%s%02d", sign, whole, dec, u%100)
	}
	return fmt.Sprintf("€ %s%s%s%02d", sign, whole, dec, u%100)
}
