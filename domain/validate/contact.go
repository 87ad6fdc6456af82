package validate

import (
	"net/mail"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"backoffice/domain"
)

// Contact is a company's contact person: a name and an e-mail address, no
// phone number (that is personal data and never goes into an event).
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Normalize checks the contact and returns its canonical form; error
// fields are "contact.name" and "contact.email".
func (c Contact) Normalize() (Contact, error) {
	var err error
	if c.Name, err = Text("contact.name", c.Name, 100); err != nil {
		return Contact{}, err
	}
	if c.Email, err = NormalizeEmail("contact.email", c.Email); err != nil {
		return Contact{}, err
	}
	return c, nil
}

// NormalizeEmail checks an e-mail address (a bare addr-spec, no display
// name) and returns it trimmed and lower-cased. Lower-casing
// the local part is not what RFC 5321 promises, but the address is also the
// username, and two accounts differing only in case would confuse everyone.
func NormalizeEmail(field, s string) (string, error) {
	// net/mail accepts any UTF-8 in the domain part, control and bidi
	// characters included; and ToLower would turn invalid bytes into U+FFFD.
	if err := checkRunes(field, strings.TrimSpace(s), false, false); err != nil {
		return "", err
	}
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" {
		return "", required(field, "The e-mail address", "Het e-mailadres")
	}
	bad := domain.Invalid("email_format", field,
		"This is not a valid e-mail address.",
		"Dit is geen geldig e-mailadres.")
	if len(v) > 254 || strings.ContainsAny(v, " \t\r\n<>\"(),;:\\[]") {
		return "", bad
	}
	at := strings.LastIndexByte(v, '@')
	if at < 1 || at > 64 {
		return "", bad
	}
	domainPart := v[at+1:]
	if !strings.Contains(domainPart, ".") || strings.HasPrefix(domainPart, ".") ||
		strings.HasSuffix(domainPart, ".") || strings.Contains(domainPart, "..") {
		return "", bad
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return "", bad
	}
	return v, nil
}

// NormalizeKvK checks a Chamber of Commerce (Kamer van Koophandel) number
// and returns its 8 digits (spaces and dots removed).
func NormalizeKvK(s string) (string, error) {
	return digits("kvk", s, " .", 8, "The KvK number", "Het KvK-nummer", errKvKFormat)
}

var errKvKFormat = domain.Invalid("kvk_format", "kvk",
	"A KvK number consists of 8 digits.",
	"Een KvK-nummer bestaat uit 8 cijfers.")

// NormalizePostalCodeNL checks a Dutch postal code (four digits, not
// starting with 0, and two letters, where SA, SD and SS are not issued)
// and returns it as "1234 AB".
func NormalizePostalCodeNL(field, s string) (string, error) {
	v := strings.ToUpper(stripSeparators(s, " "))
	if v == "" {
		return "", required(field, "The postal code", "De postcode")
	}
	if len(v) != 6 || !allDigits(v[:4]) || v[0] == '0' || !allUpper(v[4:]) {
		return "", domain.Invalid("postal_code_format", field,
			"A Dutch postal code looks like 1234 AB.",
			"Een Nederlandse postcode heeft de vorm 1234 AB.")
	}
	switch v[4:] {
	case "SA", "SD", "SS":
		return "", domain.Invalid("postal_code_format", field,
			"This postal code does not exist.",
			"Deze postcode bestaat niet.")
	}
	return v[:4] + " " + v[4:], nil
}

// NormalizePhone checks a phone number in E.164 (+31201234567, 0031 ...)
// or Dutch national form (020-1234567, 06-12345678) and returns it in
// E.164 ("+31612345678"). The
// separators people type (spaces, dashes, dots, brackets, "+31 (0)6") are
// dropped here; whether the number exists in its country's numbering plan
// is decided by github.com/nyaruka/phonenumbers (Google's libphonenumber
// metadata), the one parser of phone numbers in the product.
func NormalizePhone(field, s string) (string, error) {
	num, err := parsePhone(field, s)
	if err != nil {
		return "", err
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

func parsePhone(field, s string) (*phonenumbers.PhoneNumber, error) {
	v := stripSeparators(s, " -().\t")
	if v == "" {
		return nil, required(field, "The phone number", "Het telefoonnummer")
	}
	bad := domain.Invalid("phone_format", field,
		"This is not a valid phone number.",
		"Dit is geen geldig telefoonnummer.")
	switch {
	case strings.HasPrefix(v, "+"):
		v = v[1:]
	case strings.HasPrefix(v, "00"):
		v = v[2:]
	case strings.HasPrefix(v, "0"):
		// Dutch national form: 0 + 9 digits.
		if len(v) != 10 {
			return nil, bad
		}
		v = "31" + v[1:]
	default:
		return nil, bad
	}
	// Drop the trunk prefix written as +31 (0)6 ... and collapsed to +3106.
	if strings.HasPrefix(v, "310") {
		v = "31" + v[3:]
	}
	if !allDigits(v) || v == "" || v[0] == '0' || len(v) < 8 || len(v) > 15 {
		return nil, bad
	}
	num, err := phonenumbers.Parse("+"+v, "NL")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return nil, bad
	}
	return num, nil
}

// NormalizeMobile checks a mobile number (SMS with signing codes go to it)
// and returns it in E.164: a valid number of a mobile range (in the
// Netherlands 06), of any country.
func NormalizeMobile(field, s string) (string, error) {
	num, err := parsePhone(field, s)
	if err != nil {
		return "", err
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return phonenumbers.Format(num, phonenumbers.E164), nil
	}
	return "", domain.Invalid("mobile_format", field,
		"This is not a mobile number (06).",
		"Dit is geen mobiel nummer (06).")
}

// NormalizeMobileNL checks a Dutch mobile number (06-12345678 or
// +31612345678) and returns it in E.164 ("+31612345678").
func NormalizeMobileNL(field, s string) (string, error) {
	v, err := NormalizePhone(field, s)
	if err != nil {
		return "", err
	}
	if _, merr := NormalizeMobile(field, v); merr != nil || !strings.HasPrefix(v, "+31") {
		return "", domain.Invalid("mobile_format", field,
			"This is not a Dutch mobile number (06).",
			"Dit is geen Nederlands mobiel nummer (06).")
	}
	return v, nil
}
