package eventstore_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

// goldenEvents are the test vectors of canonical encoding version 1
// (docs/audit.md repeats them). The hex was checked independently:
//
//	(printf '%064d' 0; echo -n CANONICAL_HEX) | xxd -r -p | sha256sum
//
// WARNING: if this test fails, stored chains no longer verify. Do not update
// the vectors; fix the encoding (or add a new version).
func goldenEvents() (first, second eventstore.RecordedEvent) {
	first = eventstore.RecordedEvent{
		Stream:   "timesheet-pl-1-2026-W12",
		Revision: 0,
		Type:     "timesheet.line_set",
		ID:       uuid.MustParse("0190f5a2-7b1c-7c3e-9a4d-2f6b8e1c3d5a"),
		Data:     json.RawMessage(`{"minutes":[480,480,480,480,240,0,0]}`),
		Metadata: eventstore.Metadata{
			ActorID: "acc-42", ActorRole: "client", CorrelationID: "corr-1", CausationID: "cmd-1",
			OccurredAt: time.Date(2026, 3, 16, 9, 30, 15, 123456789, time.FixedZone("CET", 3600)),
		},
		Created: time.Date(2026, 3, 16, 8, 30, 15, 654321000, time.UTC),
	}
	second = eventstore.RecordedEvent{
		Stream:   first.Stream,
		Revision: 1,
		Type:     "timesheet.offered",
		ID:       uuid.MustParse("0190f5a2-7b1c-7c3e-9a4d-2f6b8e1c3d5b"),
		Created:  first.Created,
		// no data, zero metadata
	}
	return first, second
}

const (
	goldenCanonical1 = "01" + "00000017" + "74696d6573686565742d706c2d312d323032362d573132" + // stream
		"0000000000000000" + // revision 0
		"00000012" + "74696d6573686565742e6c696e655f736574" + // type
		"0190f5a27b1c7c3e9a4d2f6b8e1c3d5a" + // event ID
		"00000025" + "7b226d696e75746573223a5b3438302c3438302c3438302c3438302c3234302c302c305d7d" + // data
		"00000006" + "6163632d3432" + "00000006" + "636c69656e74" + "00000006" + "636f72722d31" + "00000005" + "636d642d31" +
		"0000000069b7bf97" + "075bcd15" + // occurred_at 2026-03-16T08:30:15.123456789Z
		"00064d200737cfb1" // recorded 2026-03-16T08:30:15.654321Z in µs
	goldenHash1      = "a2f1a57b3a90a1506ef2ceb6b33750b559147621039234f5e57a84697b3cc777"
	goldenCanonical2 = "01" + "00000017" + "74696d6573686565742d706c2d312d323032362d573132" +
		"0000000000000001" +
		"00000011" + "74696d6573686565742e6f666665726564" +
		"0190f5a27b1c7c3e9a4d2f6b8e1c3d5b" +
		"00000000" + "00000000" + "00000000" + "00000000" + "00000000" + // no data, empty metadata strings
		"fffffff1886e0900" + "00000000" + // zero occurred_at: 0001-01-01T00:00:00Z
		"00064d200737cfb1"
	goldenHash2 = "a13d34ca9674e2b708f9759a3ccdbf4c16dbdcfefde67b7bfb012f950c8603d6"
)

func TestCanonicalGoldenVectors(t *testing.T) {
	first, second := goldenEvents()
	if got := hex.EncodeToString(eventstore.Canonical(first)); got != goldenCanonical1 {
		t.Fatalf("Canonical(first) =\n%s\nwant\n%s", got, goldenCanonical1)
	}
	if got := eventstore.ChainHash(eventstore.ZeroHash, eventstore.Canonical(first)).String(); got != goldenHash1 {
		t.Fatalf("hash of first = %s, want %s", got, goldenHash1)
	}
	second.PrevHash = eventstore.ChainHash(eventstore.ZeroHash, eventstore.Canonical(first))
	if got := hex.EncodeToString(eventstore.Canonical(second)); got != goldenCanonical2 {
		t.Fatalf("Canonical(second) =\n%s\nwant\n%s", got, goldenCanonical2)
	}
	if got := second.ComputeHash().String(); got != goldenHash2 {
		t.Fatalf("hash of second = %s, want %s", got, goldenHash2)
	}
}

// The encoding does not depend on the time zone of a time, only on the
// instant, and the parts a database fills in give the same bytes.
func TestCanonicalPartsAndZones(t *testing.T) {
	first, _ := goldenEvents()
	utc := first
	utc.Metadata.OccurredAt = first.Metadata.OccurredAt.UTC()
	if !bytes.Equal(eventstore.Canonical(utc), eventstore.Canonical(first)) {
		t.Fatal("canonical bytes depend on the time zone of occurred_at")
	}
	head, tail := eventstore.CanonicalParts(first.Stream, first.Type, first.ID, first.Data, first.Metadata, first.Created.Add(999))
	joined := append(append(head, make([]byte, 8)...), tail...)
	if !bytes.Equal(joined, eventstore.Canonical(first)) {
		t.Fatal("head ‖ revision ‖ tail differs from Canonical (or the recorded time is not truncated to µs)")
	}
}

func TestVerifyStreamNamesEachKindOfBreak(t *testing.T) {
	chain := func() []eventstore.RecordedEvent {
		var evs []eventstore.RecordedEvent
		prev := eventstore.ZeroHash
		for i := range 4 {
			e := eventstore.RecordedEvent{Stream: "s", Revision: uint64(i), Type: "t", ID: uuid.New(),
				Data: json.RawMessage(`{"i":1}`), Position: eventstore.Position{Commit: uint64(10 + i)}}
			e.Seal(prev, time.Now())
			prev = e.Hash
			evs = append(evs, e)
		}
		return evs
	}
	if err := eventstore.VerifyStream(chain()); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	cases := map[string]struct {
		tamper func([]eventstore.RecordedEvent) []eventstore.RecordedEvent
		rev    uint64
	}{
		"data changed": {func(e []eventstore.RecordedEvent) []eventstore.RecordedEvent {
			e[1].Data = json.RawMessage(`{"i":2}`)
			return e
		}, 1},
		"metadata changed": {func(e []eventstore.RecordedEvent) []eventstore.RecordedEvent { e[2].Metadata.ActorID = "x"; return e }, 2},
		"event removed":    {func(e []eventstore.RecordedEvent) []eventstore.RecordedEvent { return append(e[:1:1], e[2:]...) }, 2},
		"events swapped": {func(e []eventstore.RecordedEvent) []eventstore.RecordedEvent {
			e[1], e[2] = e[2], e[1]
			e[1].Revision, e[2].Revision = 1, 2
			return e
		}, 1},
		"hash replaced": {func(e []eventstore.RecordedEvent) []eventstore.RecordedEvent {
			e[3].Metadata.ActorRole = "forged"
			e[3].Hash = e[3].ComputeHash()
			e[2].Data = json.RawMessage(`{}`)
			e[2].Hash = e[2].ComputeHash() // re-hashed, but e[3] still points at the old hash
			return e
		}, 3},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := eventstore.VerifyStream(c.tamper(chain()))
			var ie *eventstore.IntegrityError
			if !errors.As(err, &ie) || !errors.Is(err, eventstore.ErrIntegrity) {
				t.Fatalf("err = %v, want an IntegrityError", err)
			}
			if ie.Revision != c.rev {
				t.Fatalf("names revision %d (%v), want %d", ie.Revision, err, c.rev)
			}
		})
	}
}

// BenchmarkChainVerifierCheck is the hash check a command runs on every
// event it loads (a timesheet stream of 300 events like §9's benchmark).
func BenchmarkChainVerifierCheck(b *testing.B) {
	var evs []eventstore.RecordedEvent
	prev := eventstore.ZeroHash
	for i := range 300 {
		e := eventstore.RecordedEvent{Stream: "timesheet-pl-07-2026-W12", Revision: uint64(i), Type: "timesheet.line_set", ID: uuid.New(),
			Data:     json.RawMessage(`{"line":{"hour_type":{"code":"100","name":"Normale uren","percentage":100},"minutes":[480,480,480,480,240,0,0]},"day_totals":[480,480,480,480,240,0,0]}`),
			Metadata: eventstore.Metadata{ActorID: "acc-client-07", ActorRole: "client", CorrelationID: uuid.NewString(), OccurredAt: time.Now()}}
		e.Seal(prev, time.Now())
		prev = e.Hash
		evs = append(evs, e)
	}
	// Interleaved with a check through ComputeHash (an allocation per
	// event), so both see the same machine load.
	var check, compute time.Duration
	for b.Loop() {
		t0 := time.Now()
		var v eventstore.ChainVerifier
		for _, e := range evs {
			if err := v.Check(e); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for _, e := range evs {
			if e.ComputeHash() != e.Hash {
				b.Fatal("hash")
			}
		}
		check, compute = check+t1.Sub(t0), compute+time.Since(t1)
	}
	b.ReportMetric(float64(check.Nanoseconds())/float64(b.N*len(evs)), "check_ns/event")
	b.ReportMetric(float64(compute.Nanoseconds())/float64(b.N*len(evs)), "computehash_ns/event")
}
