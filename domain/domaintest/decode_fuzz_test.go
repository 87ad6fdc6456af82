package domaintest_test

import (
	"sort"
	"testing"

	"backoffice/domain"
	"backoffice/domain/domaintest"
)

// FuzzDecodeIsClean: whatever stored bytes a registered event type decodes
// from, every text in the result is one the sanitiser leaves alone, so a
// projector can store it (PostgreSQL refuses NUL and invalid UTF-8).
//
//	go test ./domain/domaintest -run '^$' -fuzz FuzzDecodeIsClean -fuzztime 1m
func FuzzDecodeIsClean(f *testing.F) {
	type typed struct {
		reg *domain.Registry
		typ string
	}
	var types []typed
	var pkgs []string
	for p := range domaintest.Registries {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		reg := domaintest.Registries[p]
		for _, t := range reg.Types() {
			types = append(types, typed{reg, t})
		}
	}
	s := domaintest.Run("fuzz", nil, domaintest.Numbers{})
	for _, e := range s.Events {
		data, err := domain.Encode(e.Event)
		if err != nil {
			f.Fatal(err)
		}
		for i, t := range types {
			if t.typ == e.Event.EventType() {
				f.Add(i, data)
			}
		}
	}
	f.Add(0, []byte(`{"account_id":"a\u0000\ud800\u202e\b\f\u0085","reason":"\uffff"}`))
	f.Fuzz(func(t *testing.T, i int, data []byte) {
		tp := types[uint(i)%uint(len(types))]
		e, err := tp.reg.Decode(tp.typ, data)
		if err != nil {
			return
		}
		for _, v := range domaintest.StringsOf(e) {
			if _, changed := domain.SanitizeText(v); changed {
				t.Fatalf("%s decoded %q from %q", tp.typ, v, data)
			}
		}
	})
}
