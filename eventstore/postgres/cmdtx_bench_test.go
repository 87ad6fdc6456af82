package postgres_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
	"backoffice/internal/procstat"
)

// BenchmarkCommandTransaction is a timesheet command's own transaction as
// the API runs it, without HTTP, domain or projectors: 16 clients, each
// reading its placement, the client and its own timesheet (ReadStreams
// under an eventstore.InAppend), then appending one event to the
// timesheet on condition that placement and client are unchanged
// (AppendIf) with the idempotency key's row written in the append
// (InAppend). Each timesheet grows by one event per command, as in
// internal/app's BenchmarkCommandPath. It reports the CPU the cluster
// (postmaster and children) spent per command: the figure statement and
// plan changes move, much less noisy than the whole command path's (the
// test cluster runs with fsync off, so no WAL flush is in it).
//
//	go test ./eventstore/postgres/ -run '^$' -bench CommandTransaction -benchtime 3200x
func BenchmarkCommandTransaction(b *testing.B) {
	ctx := b.Context()
	pool := pgtest.PoolOfSize(b, newMigratedDB(b), 20)
	s := openStore(b, pool, postgres.Options{})
	if _, err := pool.Exec(ctx, `CREATE TABLE bench_keys (actor text, key text, position text, PRIMARY KEY (actor, key))`); err != nil {
		b.Fatal(err)
	}
	const clients = 16
	// The log interleaves the streams, as a live log does.
	for range 6 {
		for p := range 4 {
			if _, err := s.Append(ctx, fmt.Sprintf("placement-%d", p), eventstore.Any(), events(1)...); err != nil {
				b.Fatal(err)
			}
		}
		for range 2 {
			if _, err := s.Append(ctx, "client-1", eventstore.Any(), events(1)...); err != nil {
				b.Fatal(err)
			}
		}
	}
	for range 20 {
		for c := range clients {
			if _, err := s.Append(ctx, fmt.Sprintf("timesheet-%d", c), eventstore.Any(), events(1)...); err != nil {
				b.Fatal(err)
			}
		}
	}
	var backend int
	if err := pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		b.Fatal(err)
	}
	postmaster := ""
	if f := procstat.Fields(strconv.Itoa(backend)); f != nil {
		postmaster = f[1]
	}
	command := func(c, n int) error {
		a := &eventstore.InAppend{SQL: `INSERT INTO bench_keys SELECT 'actor', $1, position FROM appended`,
			Args: []any{fmt.Sprintf("key-%d-%d", c, n)}}
		defer a.Close()
		cctx := eventstore.WithInAppend(ctx, a)
		placement, timesheet := fmt.Sprintf("placement-%d", c%4), fmt.Sprintf("timesheet-%d", c)
		got, err := s.ReadStreams(cctx, eventstore.StreamRead{Stream: placement}, eventstore.StreamRead{Stream: "client-1"},
			eventstore.StreamRead{Stream: timesheet})
		if err != nil {
			return err
		}
		rev := func(i int) uint64 { return got[i].Events[len(got[i].Events)-1].Revision }
		_, err = s.AppendIf(cctx, timesheet, eventstore.Exact(rev(2)),
			[]eventstore.Condition{{Stream: placement, Expected: eventstore.Exact(rev(0))}, {Stream: "client-1", Expected: eventstore.Exact(rev(1))}},
			events(1)...)
		if err == nil && !a.Ran() {
			err = fmt.Errorf("the key's row was not written: %v", a.Err())
		}
		return err
	}
	for c := range clients { // warm up every connection's plans
		if err := command(c, -1); err != nil {
			b.Fatal(err)
		}
	}
	pg0 := procstat.TreeCPU(postmaster)
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := c; n < b.N; n += clients {
				if err := command(c, n); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if postmaster != "" && pg0 >= 0 {
		b.ReportMetric((procstat.TreeCPU(postmaster)-pg0)/float64(b.N)*1e6, "cpu_pg_µs/cmd")
	}
}
