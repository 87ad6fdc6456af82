package httpx_test

import (
	"net/http/httptest"
	"testing"

	"backoffice/http/httpx"
)

func TestLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "en",
		"nl-NL,nl;q=0.9,en;q=0.8": "nl",
		"en-GB,en;q=0.9,nl;q=0.8": "en",
		"de-DE, nl;q=0.5":         "nl",
		"fr":                      "en",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", header)
		if got := httpx.Language(r); got != want {
			t.Errorf("Accept-Language %q: got %s, want %s", header, got, want)
		}
	}
}
