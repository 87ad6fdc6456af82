package domain_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/domaintest"
)

// registries are every event registry of the product: domaintest's list,
// which its text invariant test keeps complete.
var registries = domaintest.Registries

var writeMissing = flag.Bool("write-missing-samples", false,
	"write a sample for every registered event type that has none (never overwrites a stored one)")

const samplesDir = "testdata/events"

// TestEventSamples decodes the stored JSON sample of every registered event
// type (testdata/events/<type>.json) and encodes it again: a renamed or
// dropped JSON tag, or a type without a sample, fails here instead of
// breaking stored history. A new event type gets its sample with
//
//	go test ./domain -run TestEventSamples -args -write-missing-samples
//
// and the sample is then kept as it is: history does not change. The
// writer fills every field with a plain value; a type that validates on
// decode (a period, a week) needs a valid one written in by hand.
func TestEventSamples(t *testing.T) {
	known := map[string]bool{}
	for _, reg := range registries {
		for _, typ := range reg.Types() {
			known[typ] = true
			path := filepath.Join(samplesDir, typ+".json")
			stored, err := os.ReadFile(path)
			if os.IsNotExist(err) && *writeMissing {
				stored = writeSample(t, reg, typ, path)
			} else if err != nil {
				t.Errorf("%s has no stored sample %s (write it with -write-missing-samples): %v", typ, path, err)
				continue
			}
			e, err := reg.Decode(typ, stored)
			if err != nil {
				t.Errorf("%s: the stored sample does not decode: %v", typ, err)
				continue
			}
			again, err := domain.Encode(e)
			if err != nil {
				t.Errorf("%s: %v", typ, err)
				continue
			}
			if !sameJSON(t, stored, again) {
				t.Errorf("%s: the stored sample does not survive decode and encode (a renamed or dropped field?)\nstored %s\nagain  %s", typ, stored, again)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if typ := strings.TrimSuffix(filepath.Base(f), ".json"); !known[typ] {
			t.Errorf("sample %s names no registered event type (renamed? types are never renamed)", f)
		}
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// writeSample stores an event of typ with every field set, so every JSON
// key (omitempty ones too) is in the sample.
func writeSample(t *testing.T, reg *domain.Registry, typ, path string) []byte {
	t.Helper()
	e, err := reg.Decode(typ, nil)
	if err != nil {
		t.Fatal(err)
	}
	fill(reflect.ValueOf(e).Elem())
	b, err := domain.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	if err := os.MkdirAll(samplesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
	return out.Bytes()
}

var sampleTime = time.Date(2026, 2, 2, 9, 30, 0, 0, time.UTC)

// fill sets every settable field of v to a plain non-zero value.
func fill(v reflect.Value) {
	if v.Type() == reflect.TypeOf(time.Time{}) {
		v.Set(reflect.ValueOf(sampleTime))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}
