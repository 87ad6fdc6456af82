package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"backoffice/domain"
)

// The one check of every text that enters an event (see docs/validation.md).
//
// Events are forever and every read model must be able to store what the
// domain accepted: PostgreSQL refuses NUL in text and jsonb and invalid
// UTF-8 anywhere, so one such byte in an accepted event would stop a
// projector for good. A text is therefore refused (422) when it holds
//   - invalid UTF-8;
//   - a control character (C0, DEL, C1), NUL included; a multi-line text
//     may hold line feeds and tabs (a carriage return is normalised away);
//   - an explicit bidirectional formatting character (U+202A..U+202E,
//     U+2066..U+2069): they make "rapport<U+202E>fdp.exe" read as
//     "rapportexe.pdf" in another user's screen;
//   - a Unicode noncharacter (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF);
//   - more characters (runes) than the field allows.
//
// Everything else in Unicode is accepted, emoji and zero-width joiners
// included.

// errTextCharacters is the refusal of a text with a character not allowed
// in it; Field is set by the check.
func errTextCharacters(field string) *domain.Error {
	return domain.Rule("text_encoding", field,
		"The text contains characters that are not allowed (control characters, direction overrides or invalid encoding).",
		"De tekst bevat tekens die niet zijn toegestaan (stuurtekens, richtingstekens of een ongeldige codering).")
}

func errTextTooLong(field string, maxLen int) *domain.Error {
	return domain.Rule("too_long", field,
		fmt.Sprintf("The text is too long (at most %d characters).", maxLen),
		fmt.Sprintf("De tekst is te lang (maximaal %d tekens).", maxLen))
}

// allowedRune is the per-character rule (domain.UnsafeRune): multiLine
// admits '\n' and '\t'; whitespace admits '\t', '\n' and '\r', which the
// caller collapses afterwards.
func allowedRune(r rune, multiLine, whitespace bool) bool {
	switch {
	case whitespace && (r == '\t' || r == '\n' || r == '\r'):
		return true
	case r == '\t' || r == '\n':
		return multiLine
	}
	return !domain.UnsafeRune(r)
}

// checkRunes refuses invalid UTF-8 and characters allowedRune refuses.
// Once the string is valid, a U+FFFD in it is a real character.
func checkRunes(field, s string, multiLine, whitespace bool) error {
	if !utf8.ValidString(s) {
		return errTextCharacters(field)
	}
	for _, r := range s {
		if !allowedRune(r, multiLine, whitespace) {
			return errTextCharacters(field)
		}
	}
	return nil
}

// SafeText reports whether s is text every check here would let through
// character by character (multi-line): valid UTF-8 without NUL, other
// control characters, bidi controls or noncharacters. Lengths are not
// checked. The invariant and property tests assert it of recorded events.
func SafeText(s string) bool {
	return checkRunes("", s, true, false) == nil
}

// MultiLine checks a multi-line free text (a remark, a reason): trimmed,
// "\r\n" and "\r" turned into "\n", at most maxLen characters, line feeds
// and tabs allowed but no other control character. The result may be
// empty; callers that need a value check for "".
func MultiLine(field, s string, maxLen int) (string, error) {
	if !utf8.ValidString(s) {
		return "", errTextCharacters(field)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return trimmed(field, s, maxLen, true)
}

// Label checks a one-line reference or code chosen by a caller (an import
// batch): trimmed, at most maxLen characters, no control character at all
// (tabs and line feeds included, unlike Text, which collapses them). It may
// be empty.
func Label(field, s string, maxLen int) (string, error) {
	return trimmed(field, s, maxLen, false)
}

// trimmed trims s and checks its characters (multiLine: line feeds and
// tabs allowed) and its length.
func trimmed(field, s string, maxLen int, multiLine bool) (string, error) {
	s = strings.TrimSpace(s)
	if err := checkRunes(field, s, multiLine, false); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(s) > maxLen {
		return "", errTextTooLong(field, maxLen)
	}
	return s, nil
}
