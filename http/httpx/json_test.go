package httpx_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/http/httpx"
)

// An unknown field is named in the error, but a hostile key of almost a
// megabyte comes back cut short (the answer was 1 MB: the key twice).
func TestUnknownFieldIsEchoedShort(t *testing.T) {
	key := strings.Repeat("k", 900_000)
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"`+key+`":1}`))
	r.Header.Set("Content-Type", "application/json")
	_, err := httpx.Decode[struct {
		Text string `json:"text"`
	}](httptest.NewRecorder(), r)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "unknown_field" {
		t.Fatalf("err = %v, want unknown_field", err)
	}
	if len(de.Field) > 200 || len(de.Message) > 200 || len(de.MessageNL) > 200 || !strings.HasPrefix(de.Field, "kkkk") {
		t.Errorf("field %d bytes, messages %d and %d bytes: want the key's start, cut short", len(de.Field), len(de.Message), len(de.MessageNL))
	}
	// A normal unknown field is named whole.
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"tekst":"x"}`))
	_, err = httpx.Decode[struct {
		Text string `json:"text"`
	}](httptest.NewRecorder(), r)
	if !errors.As(err, &de) || de.Field != "tekst" || de.MessageNL != `Onbekend veld "tekst".` {
		t.Errorf("err = %#v", err)
	}
}
