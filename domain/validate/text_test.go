package validate_test

import (
	"errors"
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// hostile are texts no check may let into an event.
var hostile = map[string]string{
	"NUL":              "a\x00b",
	"escape":           "a\x1bb",
	"DEL":              "a\x7fb",
	"C1 NEL":           "a\u0085b",
	"invalid UTF-8":    "a\xffb",
	"lone surrogate":   "a\xed\xa0\x80b",
	"overlong slash":   "a\xc0\xafb",
	"RLO":              "rapport\u202efdp.exe",
	"RLI":              "a\u2067b",
	"noncharacter":     "a\uffffb",
	"noncharacter FDD": "a\ufdd0b",
}

func TestTextRefusesHostileCharacters(t *testing.T) {
	checks := map[string]func(s string) (string, error){
		"Text":         func(s string) (string, error) { return validate.Text("f", s, 100) },
		"OptionalText": func(s string) (string, error) { return validate.OptionalText("f", s, 100) },
		"MultiLine":    func(s string) (string, error) { return validate.MultiLine("f", s, 100) },
		"Label":        func(s string) (string, error) { return validate.Label("f", s, 100) },
	}
	for cname, check := range checks {
		for hname, s := range hostile {
			got, err := check(s)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != "text_encoding" || de.Kind != domain.KindRule || de.Field != "f" || got != "" {
				t.Errorf("%s(%s) = %q, %v; want a 422 text_encoding on f", cname, hname, got, err)
			}
		}
		if validate.SafeText(hostile["NUL"]) {
			t.Error("SafeText accepts NUL")
		}
	}
}

func TestTextAcceptsUnicode(t *testing.T) {
	for _, s := range []string{
		"Zoë van der Müller-Ğüneş",
		"👩‍👩‍👧‍👦 🇳🇱 🙂", // ZWJ sequence and flag
		"日本語のテキスト",
		"\u200fעברית\u200e", // implicit marks are fine
		"\ufffd replacement character typed by a user",
		"\U0010fffd private use",
	} {
		for name, check := range map[string]func(string) (string, error){
			"Text":      func(s string) (string, error) { return validate.Text("f", s, 100) },
			"MultiLine": func(s string) (string, error) { return validate.MultiLine("f", s, 100) },
			"Label":     func(s string) (string, error) { return validate.Label("f", s, 100) },
		} {
			if got, err := check(s); err != nil || got != strings.TrimSpace(s) {
				t.Errorf("%s(%q) = %q, %v", name, s, got, err)
			}
		}
		if !validate.SafeText(s) {
			t.Errorf("SafeText(%q) = false", s)
		}
	}
}

func TestTextLengthAndLines(t *testing.T) {
	if got, err := validate.MultiLine("f", " a\r\nb\rc\n\td ", 100); err != nil || got != "a\nb\nc\n\td" {
		t.Errorf("MultiLine = %q, %v", got, err)
	}
	if got, err := validate.Text("f", "a\r\nb\tc", 100); err != nil || got != "a b c" {
		t.Errorf("Text = %q, %v", got, err)
	}
	if _, err := validate.Label("f", "a\tb", 100); err == nil {
		t.Error("Label accepted a tab")
	}
	// Length counts characters, not bytes: 5 emoji are 5, not 20.
	if _, err := validate.MultiLine("f", strings.Repeat("🙂", 5), 5); err != nil {
		t.Errorf("5 emoji in 5: %v", err)
	}
	_, err := validate.MultiLine("f", strings.Repeat("🙂", 6), 5)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "too_long" || de.Kind != domain.KindRule || !strings.Contains(de.MessageNL, "maximaal 5 tekens") {
		t.Errorf("6 emoji in 5: %v", err)
	}
}

// FuzzText: whatever a check accepts is safe to store, and checking it
// again returns it unchanged.
func FuzzText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("Maandag eerder weg\r\nivm tandarts 🙂")
	f.Fuzz(func(t *testing.T, s string) {
		for name, check := range map[string]func(string) (string, error){
			"Text":      func(s string) (string, error) { return validate.OptionalText("f", s, 1000) },
			"MultiLine": func(s string) (string, error) { return validate.MultiLine("f", s, 1000) },
			"Label":     func(s string) (string, error) { return validate.Label("f", s, 1000) },
		} {
			v, err := check(s)
			if err != nil {
				continue
			}
			if !validate.SafeText(v) || strings.ContainsRune(v, 0) {
				t.Fatalf("%s accepted %q as unsafe %q", name, s, v)
			}
			if again, err := check(v); err != nil || again != v {
				t.Fatalf("%s: %q does not re-validate: %q, %v", name, v, again, err)
			}
		}
	})
}
