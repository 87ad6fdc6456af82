package domain_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"backoffice/domain"
)

func TestClipAndQuote(t *testing.T) {
	for _, tt := range []struct{ in, clip, quote string }{
		{"", "", `""`},
		{"2026-W5", "2026-W5", `"2026-W5"`},
		{strings.Repeat("a", 32), strings.Repeat("a", 32), `"` + strings.Repeat("a", 32) + `"`},
		{strings.Repeat("a", 33), strings.Repeat("a", 32) + "…", `"` + strings.Repeat("a", 32) + `…"`},
		{strings.Repeat("é", 1000), strings.Repeat("é", 32) + "…", `"` + strings.Repeat("é", 32) + `…"`},
		{"a\x00b", "a\x00b", `"a\x00b"`},
	} {
		if got := domain.Clip(tt.in); got != tt.clip || !utf8.ValidString(got) {
			t.Errorf("Clip(%.40q) = %q, want %q", tt.in, got, tt.clip)
		}
		if got := domain.Quote(tt.in); got != tt.quote {
			t.Errorf("Quote(%.40q) = %q, want %q", tt.in, got, tt.quote)
		}
	}
}
