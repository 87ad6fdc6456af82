package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// BenchmarkReadStreamsCommand reads what a timesheet command reads: three
// streams whole, the longest 300 events that each carry their own metadata
// (one command each, as in the command path's benchmark). allocs/op and
// B/op are the client's and exact; ns/op moves with the machine's load.
//
//	go test ./eventstore/postgres/ -run '^$' -bench ReadStreamsCommand -benchmem -count 3
func BenchmarkReadStreamsCommand(b *testing.B) {
	ctx := b.Context()
	s, _ := newStore(b, postgres.Options{})
	at := time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)
	for _, st := range []struct {
		name string
		n    int
	}{{"placement-1", 3}, {"client-1", 5}, {"timesheet-1", 300}} {
		for i := range st.n {
			md := eventstore.Metadata{ActorID: "acc-7f3c", ActorRole: "client", CorrelationID: uuid.NewString(),
				OccurredAt: at.Add(time.Duration(i) * time.Second)}
			ev := eventstore.EventData{ID: uuid.New(), Type: "timesheet.line_set", Metadata: md,
				Data: []byte(fmt.Sprintf(`{"placement_id":"p-1","week":"2026-W49","line":%d,"minutes":[480,480,480,480,240,0,0]}`, i))}
			if _, err := s.Append(ctx, st.name, eventstore.Any(), ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	reads := []eventstore.StreamRead{{Stream: "placement-1"}, {Stream: "client-1"}, {Stream: "timesheet-1"}}
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.ReadStreams(ctx, reads...)
		if err != nil || len(got[2].Events) != 300 {
			b.Fatalf("ReadStreams: %d events, %v", len(got[2].Events), err)
		}
	}
}
