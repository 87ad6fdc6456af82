package domaintest_test

import (
	"encoding/json"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/domaintest"
)

// BenchmarkDecode compares Registry.Decode (unmarshal, the sanitiser's scan
// and, when it finds a \u escape, its walk) with a bare json.Unmarshal of the
// same stored payloads (the events of one story), interleaved. Run:
//
//	go test ./domain/domaintest -run '^$' -bench Decode -count 6
func BenchmarkDecode(b *testing.B) {
	s := domaintest.Run("bench", nil, domaintest.Numbers{})
	if s.Err != nil {
		b.Fatal(s.Err)
	}
	type stored struct {
		reg  *domain.Registry
		typ  string
		data []byte
	}
	var evs []stored
	for _, e := range s.Events {
		data, err := domain.Encode(e.Event)
		if err != nil {
			b.Fatal(err)
		}
		for _, reg := range domaintest.Registries {
			if reg.Knows(e.Event.EventType()) {
				evs = append(evs, stored{reg, e.Event.EventType(), data})
			}
		}
	}
	// Interleaved in one loop, so both halves see the same machine load.
	var bare, decode time.Duration
	for b.Loop() {
		t0 := time.Now()
		for _, e := range evs {
			v, _ := e.reg.Decode(e.typ, nil)
			if err := json.Unmarshal(e.data, v); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for _, e := range evs {
			if _, err := e.reg.Decode(e.typ, e.data); err != nil {
				b.Fatal(err)
			}
		}
		bare, decode = bare+t1.Sub(t0), decode+time.Since(t1)
	}
	n := float64(b.N * len(evs))
	b.ReportMetric(float64(bare.Nanoseconds())/n, "ns/event-unmarshal")
	b.ReportMetric(float64(decode.Nanoseconds())/n, "ns/event-decode")
	b.ReportMetric(float64(decode)/float64(bare), "decode/unmarshal")
}
