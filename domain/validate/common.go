package validate

import (
	"strings"
	"unicode/utf8"

	"backoffice/domain"
)

// stripSeparators removes every rune in seps from s (and trims it).
func stripSeparators(s, seps string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, seps) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !strings.ContainsRune(seps, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digits reads a number of n digits typed with the separators seps (a BSN,
// a KvK number): empty is required (what and whatNL name it, see
// required), anything but n digits is refused with bad.
func digits(field, s, seps string, n int, what, whatNL string, bad *domain.Error) (string, error) {
	d := stripSeparators(s, seps)
	if d == "" {
		return "", required(field, what, whatNL)
	}
	if len(d) != n || !allDigits(d) {
		return "", bad
	}
	return d, nil
}

// required is the "field is empty" error. what/whatNL name the field in a
// sentence ("The BSN", "Het BSN").
func required(field, what, whatNL string) *domain.Error {
	return domain.Invalid("required", field,
		what+" is required.",
		whatNL+" is verplicht.")
}

// Required checks that s is not blank and returns it trimmed.
func Required(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", domain.Invalid("required", field,
			"This field is required.",
			"Dit veld is verplicht.")
	}
	return s, nil
}

// Text checks a required free-text value (a name, a function, a street): at
// most maxLen characters, valid UTF-8, no control, bidi-override or
// noncharacters (see text.go). It returns the
// trimmed value with inner whitespace runs collapsed to one space.
func Text(field, s string, maxLen int) (string, error) {
	s, err := Required(field, s)
	if err != nil {
		return "", err
	}
	return OptionalText(field, s, maxLen)
}

// OptionalText is Text for a value that may be empty. Tabs and line breaks
// are collapsed to one space; every other character is checked as in
// MultiLine (see text.go).
func OptionalText(field, s string, maxLen int) (string, error) {
	if err := checkRunes(field, s, false, true); err != nil {
		return "", err
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxLen {
		return "", errTextTooLong(field, maxLen)
	}
	return s, nil
}

// ID checks an identifier supplied by the caller (usually a UUID): 1 to 64
// characters from [A-Za-z0-9_-]. IDs end up in stream names
// ("client-<id>") and URLs, so nothing else is allowed.
func ID(field, s string) error {
	if s == "" {
		return domain.Invalid("required", field,
			"The identifier is required.",
			"De identificatie is verplicht.")
	}
	if len(s) > 64 {
		return domain.Invalid("id_format", field,
			"The identifier is too long.",
			"De identificatie is te lang.")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return domain.Invalid("id_format", field,
				"The identifier contains invalid characters.",
				"De identificatie bevat ongeldige tekens.")
		}
	}
	return nil
}

// NewID checks the first decision of an aggregate: the aggregate does not
// exist yet (exists: the refusal is its conflict error) and the ID the
// caller chose for it is valid (see ID).
func NewID(field, id string, exists bool, conflict error) error {
	if exists {
		return conflict
	}
	return ID(field, id)
}

// Language checks a user interface language and returns it, "nl" when empty.
func Language(field, s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "nl":
		return "nl", nil
	case "en":
		return "en", nil
	}
	return "", domain.Invalid("language", field,
		"The language must be Dutch (nl) or English (en).",
		"De taal moet Nederlands (nl) of Engels (en) zijn.")
}
