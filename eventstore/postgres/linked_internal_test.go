package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

func benchEventData(n int) []eventstore.EventData {
	meta := eventstore.Metadata{ActorID: "account-42", ActorRole: "client", CorrelationID: "corr-1", CausationID: "cmd-1",
		OccurredAt: time.Date(2026, 3, 16, 9, 30, 0, 0, time.UTC)}
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = eventstore.EventData{ID: uuid.New(), Type: "timesheet.line_set",
			Data: []byte(`{"placement":"pl-1234","week":"2026-W12","line":{"type":"normal","minutes":[480,480,480,480,240,0,0]}}`), Metadata: meta}
	}
	return evs
}

// BenchmarkStmtBuild is the client's share of an append: building the
// statement linked in Go (encoding and hashing included) against the one
// the server links, and the metadata and columns both need (metaonly).
//
//	go test -run '^$' -bench StmtBuild ./eventstore/postgres/
func BenchmarkStmtBuild(b *testing.B) {
	for _, n := range []int{1, 10} {
		evs := benchEventData(n)
		b.Run(fmt.Sprintf("linked/events=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := linkedStmt("existing-1", eventstore.Exact(41), evs, head{revision: 41}); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(fmt.Sprintf("server/events=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := newAppendStmt("existing-1", eventstore.Exact(41), evs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("metaonly/events=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = metadataJSON(evs)
				arrayColumns(evs)
			}
		})
	}
}
