package domain

import (
	"strconv"
	"unicode"
)

// UnsafeRune reports whether r may never be part of a text in an event: a
// control character other than tab and line feed (NUL included: PostgreSQL
// stores it in neither text nor jsonb), an explicit bidirectional
// embedding, override or isolate (U+202A..U+202E, U+2066..U+2069: they make
// "rapport\u202Efdp.exe" read as "rapportexe.pdf"), or a Unicode
// noncharacter. It is the character rule of domain/validate (which also
// refuses invalid UTF-8 and applies lengths) and of the sanitiser on read.
func UnsafeRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case unicode.IsControl(r):
		return true
	case IsBidiControl(r):
		return true
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return true // noncharacters
	}
	return false
}

// IsBidiControl reports whether r is an explicit bidirectional embedding,
// override or isolate. The implicit marks LRM and RLM are not: they cannot
// reorder text beyond themselves, and Hebrew or Arabic text needs them.
func IsBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// maxEcho is how many characters of a refused value an error message
// repeats.
const maxEcho = 32

// Clip is s cut to its first 32 characters and "…", for repeating a
// refused value in an error: a message never repeats a megabyte the client
// sent.
func Clip(s string) string {
	n := 0
	for i := range s {
		if n == maxEcho {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Quote is Clip(s) quoted as %q does, for an error message.
func Quote(s string) string { return strconv.Quote(Clip(s)) }
