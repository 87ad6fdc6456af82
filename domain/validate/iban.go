package validate

import (
	"strings"

	"backoffice/domain"
)

// ibanLength is the total IBAN length per country (ISO 13616 registry), for
// the SEPA countries and a few neighbours whose workers we pay.
var ibanLength = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
	"GB": 22, "GI": 23, "GL": 18, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
	"IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27,
	"MD": 24, "ME": 22, "MK": 19, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
	"PT": 25, "RO": 24, "RS": 22, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
	"TR": 26, "UA": 29, "VA": 22,
}

// NormalizeIBAN checks an IBAN (ISO 13616): a known country code, the
// length for that country, alphanumeric characters and the mod-97 check.
// Spaces are ignored and letters may be lower case. It returns the
// electronic form: upper case, without spaces ("NL91ABNA0417164300").
func NormalizeIBAN(s string) (string, error) {
	const field = "iban"
	v := strings.ToUpper(stripSeparators(s, " \t"))
	if v == "" {
		return "", required(field, "The IBAN", "De IBAN")
	}
	if len(v) < 5 || !isUpper(v[0]) || !isUpper(v[1]) || !isDigit(v[2]) || !isDigit(v[3]) {
		return "", ibanFormat()
	}
	want, ok := ibanLength[v[:2]]
	if !ok {
		return "", domain.Invalid("iban_country", field,
			"IBANs from this country are not accepted.",
			"IBAN's uit dit land worden niet geaccepteerd.")
	}
	if len(v) != want {
		return "", domain.Invalid("iban_length", field,
			"The IBAN has the wrong length for its country.",
			"De IBAN heeft niet de juiste lengte voor het land.")
	}
	for i := 4; i < len(v); i++ {
		if !isUpper(v[i]) && !isDigit(v[i]) {
			return "", ibanFormat()
		}
	}
	if v[:2] == "NL" && !(allUpper(v[4:8]) && allDigits(v[8:])) {
		return "", ibanFormat()
	}
	if ibanMod97(v) != 1 {
		return "", domain.Invalid("iban_checksum", field,
			"The IBAN is not valid: check the digits.",
			"De IBAN is niet geldig: controleer de cijfers.")
	}
	return v, nil
}

// FormatIBAN prints a normalized IBAN in groups of four for display.
func FormatIBAN(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func ibanFormat() *domain.Error {
	return domain.Invalid("iban_format", "iban",
		"This is not an IBAN.",
		"Dit is geen IBAN.")
}

// ibanMod97 moves the first four characters to the end, maps letters to
// 10..35 and returns the remainder mod 97, digit by digit (no big integers).
func ibanMod97(v string) int {
	r := 0
	for i := 0; i < len(v); i++ {
		c := v[(i+4)%len(v)]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A'+10)) % 97
		}
	}
	return r
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) {
			return false
		}
	}
	return true
}
