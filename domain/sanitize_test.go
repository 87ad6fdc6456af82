package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"backoffice/domain"
)

type inner struct {
	Text string            `json:"text"`
	Tags []string          `json:"tags"`
	Map  map[string]string `json:"map"`
}

type poisonEvent struct {
	Remark string      `json:"remark"`
	Role   domain.Role `json:"role"`
	Inner  inner       `json:"inner"`
	Ptr    *inner      `json:"ptr"`
	List   []inner     `json:"list"`
	Arr    [2]string   `json:"arr"`
}

func (*poisonEvent) EventType() string { return "test.poison" }

// Stored poison decodes to text every projector can store, and nothing
// else changes.
func TestDecodeSanitisesStoredPoison(t *testing.T) {
	reg := domain.NewRegistry(&poisonEvent{})
	data := []byte(`{"remark":"a\u0000b\r\nc","role":"cl\u0000ient","inner":{"text":"x\u202ey","tags":["\u0001","ok"],"map":{"k\u0000":"v\u0000"}},` +
		`"ptr":{"text":"\ud800 lone"},"list":[{"text":"\uffff"}],"arr":["\u0085","👍\u200d"]}`)
	e, err := reg.Decode("test.poison", data)
	if err != nil {
		t.Fatal(err)
	}
	got := e.(*poisonEvent)
	want := &poisonEvent{
		Remark: "a\ufffdb\r\nc", Role: "cl\ufffdient",
		Inner: inner{Text: "x\ufffdy", Tags: []string{"\ufffd", "ok"}, Map: map[string]string{"k\ufffd": "v\ufffd"}},
		Ptr:   &inner{Text: "\ufffd lone"},
		List:  []inner{{Text: "\ufffd"}},
		Arr:   [2]string{"\ufffd", "👍\u200d"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", got, want)
	}
	// The short escapes \b and \f are control characters too.
	e, err = reg.Decode("test.poison", []byte(`{"remark":"a\bb\fc"}`))
	if err != nil || e.(*poisonEvent).Remark != "a\ufffdb\ufffdc" {
		t.Fatalf("short escapes: %+v, %v", e, err)
	}
	// An escaped backslash before b is text.
	e, err = reg.Decode("test.poison", []byte(`{"remark":"C:\\bin"}`))
	if err != nil || e.(*poisonEvent).Remark != `C:\bin` {
		t.Fatalf("escaped backslash: %+v, %v", e, err)
	}
	// Raw invalid UTF-8 (an adapter that does not check) comes back replaced.
	e, err = reg.Decode("test.poison", []byte("{\"remark\":\"a\xffb\"}"))
	if err != nil || e.(*poisonEvent).Remark != "a\ufffdb" {
		t.Fatalf("raw invalid UTF-8: %+v, %v", e, err)
	}
}

// A clean payload, escapes for <, > and & included, decodes unchanged.
func TestDecodeKeepsCleanText(t *testing.T) {
	reg := domain.NewRegistry(&poisonEvent{})
	in := &poisonEvent{Remark: "<b>Zoë</b> & \ufffd\tregel\nregel 🙂 \u200fעברית", Inner: inner{Map: map[string]string{"a": "b"}}}
	data, err := domain.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `\u003c`) {
		t.Fatalf("expected HTML escapes in %s", data)
	}
	e, err := reg.Decode("test.poison", data)
	if err != nil || !reflect.DeepEqual(e, in) {
		t.Fatalf("decoded %+v, %v; want %+v", e, err, in)
	}
}

func TestSanitizeText(t *testing.T) {
	for in, want := range map[string]string{
		"ok":            "ok",
		"a\x00b":        "a\ufffdb",
		"a\xffb":        "a\ufffdb",
		"\u202ea":       "\ufffda",
		"a\r\n\tb":      "a\r\n\tb",
		"\ufffd":        "\ufffd",
		"a\xed\xa0\x80": "a\ufffd\ufffd\ufffd",
	} {
		if got, _ := domain.SanitizeText(in); got != want {
			t.Errorf("SanitizeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Encode refuses what the sanitiser would change, naming the path: the last
// guard should a command forget its text check.
func TestEncodeRefusesUnsafeText(t *testing.T) {
	for _, tc := range []struct {
		e    *poisonEvent
		path string
	}{
		{&poisonEvent{Remark: "a\x00b"}, "remark"},
		{&poisonEvent{Inner: inner{Tags: []string{"ok", "\u202e"}}}, "inner.tags[]"},
		{&poisonEvent{Ptr: &inner{Map: map[string]string{"k": "\xff"}}}, "ptr.map{}"},
		{&poisonEvent{List: []inner{{Text: "\uffff"}}}, "list[].text"},
		{&poisonEvent{Remark: "a\bb"}, "remark"}, // encoding/json writes the short escape \b
		{&poisonEvent{Inner: inner{Text: "a\fb"}}, "inner.text"},
	} {
		_, err := domain.Encode(tc.e)
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindRule || de.Code != "text_encoding" || de.Field != tc.path {
			t.Errorf("Encode(%+v) = %v, want 422 text_encoding on %s", tc.e, err, tc.path)
		}
	}
	// What the sanitiser keeps, Encode accepts: an old remark's "\r\n".
	if _, err := domain.Encode(&poisonEvent{Remark: "a\r\n\tb <&> \ufffd 🙂"}); err != nil {
		t.Fatal(err)
	}
}
