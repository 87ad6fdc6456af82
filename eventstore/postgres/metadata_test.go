package postgres

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"backoffice/eventstore"
)

var metadataSeeds = []string{
	`{"actor_id":"acc-1","actor_role":"client","correlation_id":"c-1","occurred_at":"2026-02-09T09:00:00.123456Z"}`,
	`{"actor_id": "acc-1", "actor_role": "client", "occurred_at": "2026-02-09T09:00:00Z"}`, // jsonb's spacing
	`{"occurred_at": "2026-02-09T09:00:00+01:00", "actor_id": "é ü"}`,
	`{"actor_id":"a\u003cb","occurred_at":"2026-02-09T09:00:00Z"}`,
	`{"actor_id":"x","extra":1,"occurred_at":"2026-02-09T09:00:00Z"}`,
	`{"actor_id":null,"occurred_at":"2026-02-09T09:00:00Z"}`,
	`{"actor_id":"x","actor_id":"y","occurred_at":"2026-02-09T09:00:00Z"}`,
	`{"occurred_at":"0001-01-01T00:00:00Z"}`,
	`{}`, `null`, `{"actor_id":"x"`, `{"occurred_at":"2026-02-30T09:00:00Z"}`, "{\"actor_id\":\"\xff\"}",
}

// TestDecodeMetadataMatchesEncodingJSON: the hand parser takes the usual
// shapes and agrees with encoding/json on every seed.
func TestDecodeMetadataMatchesEncodingJSON(t *testing.T) {
	var fast eventstore.Metadata
	if !fastMetadata([]byte(metadataSeeds[0]), &fast) || !fastMetadata([]byte(metadataSeeds[1]), &fast) {
		t.Fatal("the usual shapes are not parsed by hand")
	}
	for _, s := range metadataSeeds {
		checkMetadata(t, []byte(s))
	}
	m := eventstore.Metadata{ActorID: "acc", ActorRole: "worker", CorrelationID: "c", CausationID: "d",
		OccurredAt: time.Date(2026, 2, 9, 9, 0, 0, 123000, time.UTC)}
	b, _ := json.Marshal(m)
	if !fastMetadata(b, &fast) || fast != m {
		t.Fatalf("written metadata %s read back as %+v", b, fast)
	}
}

func FuzzDecodeMetadata(f *testing.F) {
	for _, s := range metadataSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkMetadata(t, b) })
}

func checkMetadata(t *testing.T, b []byte) {
	t.Helper()
	var got, want eventstore.Metadata
	gotErr := decodeMetadata(b, &got)
	wantErr := json.Unmarshal(b, &want)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q: error %v, encoding/json %v", b, gotErr, wantErr)
	}
	if wantErr == nil && (!reflect.DeepEqual(got, want) || !got.OccurredAt.Equal(want.OccurredAt)) {
		t.Fatalf("%q: %+v, encoding/json %+v", b, got, want)
	}
}

// BenchmarkDecodeMetadata: the hand parser against encoding/json on the
// usual metadata, interleaved in one loop; reports fast/json as a ratio.
//
//	go test ./eventstore/postgres/ -run '^$' -bench DecodeMetadata
func BenchmarkDecodeMetadata(b *testing.B) {
	in := []byte(metadataSeeds[0])
	var m eventstore.Metadata
	var fast, slow time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range 100 {
			_ = decodeMetadata(in, &m)
		}
		t1 := time.Now()
		for range 100 {
			_ = json.Unmarshal(in, &m)
		}
		fast, slow = fast+t1.Sub(t0), slow+time.Since(t1)
	}
	b.ReportMetric(fast.Seconds()/slow.Seconds(), "fast/json")
}

// TestDecodeMetadataOwnsItsStrings: the values outlive the row buffer pgx
// reuses for the next row, and share one allocation (the scan of a
// command's stream decodes one metadata per event).
func TestDecodeMetadataOwnsItsStrings(t *testing.T) {
	b := []byte(metadataSeeds[0])
	var m eventstore.Metadata
	if !fastMetadata(b, &m) {
		t.Fatal("the usual shape is not parsed by hand")
	}
	for i := range b {
		b[i] = 'x'
	}
	if m.ActorID != "acc-1" || m.ActorRole != "client" || m.CorrelationID != "c-1" {
		t.Fatalf("values changed with the buffer: %+v", m)
	}
	b = []byte(metadataSeeds[0])
	if n := testing.AllocsPerRun(100, func() { fastMetadata(b, &m) }); n > 1 {
		t.Fatalf("%v allocations per metadata, want 1", n)
	}
}
