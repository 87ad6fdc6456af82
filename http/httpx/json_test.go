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

// TestNullArrayElementIsWrongType: a null in an array of objects (or of
// strings or numbers) was read as an empty object (""/0), which a later
// check then refused for a reason that had nothing to do with it. It is
// 400 wrong_type naming the element, at any depth; an array of pointers
// keeps its null for the body's own check (NoNulls).
func TestNullArrayElementIsWrongType(t *testing.T) {
	type line struct {
		HourType string `json:"hour_type"`
		Minutes  []int  `json:"minutes"`
	}
	type body struct {
		Lines []line          `json:"lines"`
		IDs   []string        `json:"ids"`
		Days  []*int          `json:"days"`
		Named map[string]line `json:"named"`
	}
	for _, c := range []struct{ in, field, en, nl string }{
		{`{"lines":[{"hour_type":"100"},null]}`, "lines[1]", `Field "lines[1]" must be an object, not null.`, `Veld "lines[1]" moet een object zijn, niet null.`},
		{`{"lines":[{"hour_type":"100","minutes":[0,null]}]}`, "lines[0].minutes[1]", `Field "lines[0].minutes[1]" must be a whole number, not null.`, ""},
		{`{"ids":["a",null]}`, "ids[1]", `Field "ids[1]" must be a string, not null.`, ""},
		{`{"named":{"x":{"minutes":[null]}}}`, "named.x.minutes[0]", "", ""},
		{`{"LINES":[null]}`, "lines[0]", "", ""}, // encoding/json matches names case-insensitively
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(c.in))
		_, err := httpx.Decode[body](httptest.NewRecorder(), r)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != "wrong_type" || de.Field != c.field {
			t.Errorf("%s: err = %#v, want wrong_type at %s", c.in, err, c.field)
			continue
		}
		if (c.en != "" && de.Message != c.en) || (c.nl != "" && de.MessageNL != c.nl) {
			t.Errorf("%s: messages %q / %q", c.in, de.Message, de.MessageNL)
		}
	}
	for _, in := range []string{`{"days":[1,null]}`, `{"lines":null,"ids":null}`, `{"lines":[{"hour_type":"null"}]}`} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(in))
		if _, err := httpx.Decode[body](httptest.NewRecorder(), r); err != nil {
			t.Errorf("%s: %v, want it decoded", in, err)
		}
	}
}

// TestDecodeMessagesAreSentences pins the English texts of the decoding
// errors: sentences with a capital and a full stop, like the domain's
// (they were lower case without a stop, unlike every other message).
func TestDecodeMessagesAreSentences(t *testing.T) {
	type body struct {
		Minutes int `json:"minutes"`
	}
	for _, c := range []struct{ ct, in, code, en string }{
		{"text/plain", `{}`, "unsupported_media_type", "The body must be JSON (Content-Type: application/json)."},
		{"", ``, "empty_body", "The body is empty; a JSON object is required."},
		{"", `{"minutes":`, "malformed_json", "The body is not valid JSON."},
		{"", `{"minutes":1}{}`, "malformed_json", "The body must hold exactly one JSON object."},
		{"", `[1]`, "wrong_type", "The body must be a JSON object."},
		{"", `{"minutes":"acht"}`, "wrong_type", `Field "minutes" must be a whole number.`},
		{"", `{"minuten":1}`, "unknown_field", `Unknown field "minuten".`},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(c.in))
		if c.ct != "" {
			r.Header.Set("Content-Type", c.ct)
		}
		_, err := httpx.Decode[body](httptest.NewRecorder(), r)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != c.code || de.Message != c.en {
			t.Errorf("%q: %#v, want %s %q", c.in, err, c.code, c.en)
		}
	}
	_, err := httpx.NoNulls("minutes", []*int{nil})
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Message != `Field "minutes[0]" must be a whole number, not null.` {
		t.Errorf("NoNulls: %v", err)
	}
}
