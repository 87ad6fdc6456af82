package validate

import (
	"backoffice/domain"
)

// BSN checks a burgerservicenummer: nine digits (spaces, dots and dashes
// are ignored) passing the 11-proef
// 9*d1 + 8*d2 + 7*d3 + 6*d4 + 5*d5 + 4*d6 + 3*d7 + 2*d8 - 1*d9 ≡ 0 (mod 11).
// 000000000 passes the arithmetic but is refused.
func BSN(s string) error {
	_, err := NormalizeBSN(s)
	return err
}

// NormalizeBSN returns the nine-digit canonical form of a valid BSN.
func NormalizeBSN(s string) (string, error) {
	const field = "bsn"
	d, err := digits(field, s, " .-", 9, "BSN", "Het BSN", errBSNFormat)
	if err != nil {
		return "", err
	}
	if d == "000000000" {
		return "", domain.Invalid("bsn_zero", field,
			"This BSN is not valid.",
			"Dit BSN is niet geldig.")
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(d[i]-'0')
	}
	sum -= int(d[8] - '0')
	if sum%11 != 0 {
		return "", domain.Invalid("bsn_checksum", field,
			"The BSN does not pass the eleven test.",
			"Het BSN voldoet niet aan de elfproef.")
	}
	return d, nil
}

var errBSNFormat = domain.Invalid("bsn_format", "bsn",
	"A BSN consists of 9 digits.",
	"Een BSN bestaat uit 9 cijfers.")
