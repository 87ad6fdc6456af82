package domain_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
)

// decodeCase is one event type of one registry.
type decodeCase struct {
	reg *domain.Registry
	typ string
}

// decodeCases lists every registered event type in a fixed order (the
// fuzz target picks one by index).
func decodeCases() []decodeCase {
	var out []decodeCase
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range domaintest.Registries {
			if !yield(k) {
				return
			}
		}
	}) {
		reg := domaintest.Registries[name]
		for _, typ := range reg.Types() {
			out = append(out, decodeCase{reg, typ})
		}
	}
	return out
}

// sameDecode requires Decode and the encoding/json reference to agree on
// data: both refuse it, or both return equal payloads that encode to the
// same bytes.
func sameDecode(t *testing.T, c decodeCase, data []byte) {
	t.Helper()
	got, err := c.reg.Decode(c.typ, data)
	want, wantErr := domain.DecodeWithEncodingJSON(c.reg, c.typ, data)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s %q: Decode error %v, encoding/json error %v", c.typ, data, err, wantErr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q: Decode gives\n%#v\nencoding/json gives\n%#v", c.typ, data, got, want)
	}
	a, errA := domain.Encode(got)
	b, errB := domain.Encode(want)
	if (errA != nil) != (errB != nil) || !bytes.Equal(a, b) {
		t.Fatalf("%s %q: encoded again, Decode's %s (%v), encoding/json's %s (%v)", c.typ, data, a, errA, b, errB)
	}
}

// variants are the sample and versions of it a stored event might hold:
// keys in other case, unknown keys, nulls, poison the sanitiser cleans,
// invalid UTF-8, a truncated document.
func variants(sample []byte) [][]byte {
	out := [][]byte{sample, nil, []byte(`{}`), []byte(`null`), []byte(`[]`), []byte(`{"unknown":1}`)}
	out = append(out, bytes.ToUpper(sample))
	out = append(out, bytes.Replace(sample, []byte(`{`), []byte(`{"zz_unknown":{"a":[1,2,{"b":null}]},`), 1))
	out = append(out, bytes.ReplaceAll(sample, []byte(`"x"`), []byte(`null`)))
	out = append(out, bytes.ReplaceAll(sample, []byte(`"x"`), []byte(`"a\u0000b\u202e\b\f\r\n\t<>&\ud800"`)))
	out = append(out, bytes.ReplaceAll(sample, []byte(`"x"`), []byte("\"a\xffb\xc3\"")))
	out = append(out, bytes.ReplaceAll(sample, []byte(`"x"`), []byte(`"\u00e9\u20ac\ud83d\ude00"`)))
	out = append(out, bytes.ReplaceAll(sample, []byte(`: 1`), []byte(`: 1.5`)))
	out = append(out, bytes.ReplaceAll(sample, []byte(`: 1`), []byte(`: "1"`)))
	out = append(out, bytes.ReplaceAll(sample, []byte(`: 1`), []byte(`: 1e400`)))
	out = append(out, bytes.ReplaceAll(sample, []byte(`true`), []byte(`"true"`)))
	out = append(out, sample[:len(sample)/2])
	return out
}

func readSample(t testing.TB, typ string) []byte {
	b, err := os.ReadFile(filepath.Join(samplesDir, typ+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeMatchesEncodingJSON decodes every stored sample, and variants
// of it, with Decode and with encoding/json: the payloads must be equal
// and errors must agree (Decode's decoder is a faster library).
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	cases := decodeCases()
	if len(cases) < 40 {
		t.Fatalf("only %d event types registered", len(cases))
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			for _, v := range variants(readSample(t, c.typ)) {
				sameDecode(t, c, v)
			}
		})
	}
}

// FuzzDecodeMatchesEncodingJSON holds Decode to encoding/json on any
// stored bytes of any event type:
//
//	go test ./domain -run '^$' -fuzz FuzzDecodeMatchesEncodingJSON -fuzztime 5m
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	cases := decodeCases()
	for i, c := range cases {
		for _, v := range variants(readSample(f, c.typ)) {
			f.Add(uint(i), v)
		}
	}
	f.Fuzz(func(t *testing.T, i uint, data []byte) {
		sameDecode(t, cases[i%uint(len(cases))], data)
	})
}
