package domain_test

import (
	"strings"
	"testing"
	"unicode"

	"backoffice/domain"
)

// TestNotFoundIsASentence: the generic not_found message, which every
// screen and API answer about something absent or not the reader's shows,
// is a sentence in both languages: a capital and a full stop ("niet
// gevonden" read like a fragment).
func TestNotFoundIsASentence(t *testing.T) {
	for lang, msg := range map[string]string{"en": domain.ErrNotFound.Message, "nl": domain.ErrNotFound.MessageNL} {
		r := []rune(msg)
		if len(r) == 0 || !unicode.IsUpper(r[0]) || !strings.HasSuffix(msg, ".") {
			t.Errorf("%s: %q is no sentence", lang, msg)
		}
	}
}
