package ledger_test

// BenchmarkVerify measures a full verify pass against a plain pass over $all
// through the same store (ReadAll pages, no checks), alternating in the same
// loop. Run:
//
//	go test -run '^$' -bench Verify -benchtime 20x ./eventstore/ledger/
//
// It reports verify's events/s, the read pass's (read-events/s) and
// verify-vs-read: verify throughput as a share of the read pass's.

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/internal/pgtest"
)

func BenchmarkVerify(b *testing.B) {
	const streams, perStream, batch = 200, 100, 50
	ctx := b.Context()
	_, pool := newDB(b)
	store := pgtest.EventStore(b, pool)
	meta := eventstore.Metadata{ActorID: "account-42", ActorRole: "client", CorrelationID: "corr-1", OccurredAt: time.Now()}
	for round := 0; round < perStream/batch; round++ {
		for s := range streams {
			evs := make([]eventstore.EventData, batch)
			for i := range evs {
				evs[i] = eventstore.EventData{ID: uuid.New(), Type: "timesheet.line_set", Metadata: meta,
					Data: json.RawMessage(`{"placement":"pl-1234","week":"2026-W12","line":{"type":"normal","minutes":[480,480,480,480,240,0,0]}}`)}
			}
			if _, err := store.Append(ctx, fmt.Sprintf("timesheet-%d", s), eventstore.Any(), evs...); err != nil {
				b.Fatal(err)
			}
		}
	}
	const total = streams * perStream
	for {
		evs, err := store.ReadAll(ctx, eventstore.Start, total)
		if err != nil {
			b.Fatal(err)
		}
		if len(evs) == total {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := (&ledger.Digester{Store: store, Pool: pool}).CatchUp(ctx, true); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}

	readPass := func() {
		n := 0
		for page, err := range eventstore.Pages(ctx, store, eventstore.Start, 500) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(page)
		}
		if n != total {
			b.Fatalf("read %d events, want %d", n, total)
		}
	}
	var readTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		start := time.Now()
		readPass()
		readTime += time.Since(start)
		b.StartTimer()
		rep, err := ledger.Verify(ctx, store, ledger.VerifyOptions{Pool: pool})
		if err != nil || !rep.Intact() || rep.Events != total {
			b.Fatalf("verify: %+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(total*b.N)/readTime.Seconds(), "read-events/s")
	b.ReportMetric(readTime.Seconds()/b.Elapsed().Seconds(), "verify-vs-read")
}
