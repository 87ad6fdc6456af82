package payroll_test

// BenchmarkExport measures export batches of 2,500 and 10,000 approved
// timesheets (two monthly clients: c2 with 625 workers, c1 with 2,500,
// each worker with the four weeks of February 2026) on a private
// PostgreSQL cluster with fsync=on, against a raw SELECT of the same feed
// rows in the same loop. Run:
//
//	go test -run '^$' -bench Export -benchtime 3x ./commands/payroll/
//
// Each iteration, in this order: the raw SELECT (baseline), CreateExport
// (backlog snapshot streamed twice, each worker's name and personnel
// number from the ledger, the decision, the append of the created event
// and then the items a chunk at a time), every file written to
// io.Discard, then CancelExport (untimed) so the next iteration exports
// the same timesheets again. Reported per 1,000 timesheets; memory as the
// bytes allocated per timesheet by the creation and by the four files,
// and the creation's peak of live heap above what was live before it
// (sampled every millisecond): flat memory means that peak stays put when
// the batch grows fourfold.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/apitest"
	"backoffice/internal/pglaunch"
	rm "backoffice/readmodel/payroll"
)

const (
	benchWorkers  = 2500 // at c1: 10,000 timesheets
	benchWorkers2 = 625  // at c2: 2,500 timesheets
	benchWeeks    = 4    // 2026-W06..W09: February 2026
)

func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "paybench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cluster, err := pglaunch.Start(ctx, pglaunch.Options{
		DataDir: filepath.Join(dir, "data"), SocketDir: dir, DieWithParent: true,
		Settings: map[string]string{"fsync": "on", "synchronous_commit": "on", "shared_buffers": "128MB", "max_connections": "100"},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = cluster.Stop(ctx)
	}()
	cs := cluster.ConnString("postgres")
	if err := apitest.Migrate(ctx, cs); err != nil {
		b.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, cs)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	store, err := postgres.New(ctx, pool, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	probe := &liveProbe{Store: store}
	e := newEnvOn(b, probe, pool)
	mapping := []pay.Mapping{
		{Kind: pay.SourceHours, Code: "100", Loket: "1", Nmbrs: "U100", Easyflex: "U100"},
		{Kind: pay.SourceExpense, Code: "parking", Loket: "21", Nmbrs: "Parkeren", Easyflex: "PARK"},
		{Kind: pay.SourceAllowance, Code: "per_day", Loket: "30", Nmbrs: "Dagvergoeding", Easyflex: "DAG"}}
	e.seedPayClient("c1", "Bakkerij Korenaar", "12345678",
		pay.Settings{Administration: "1001", DebtorNumber: "D1", Relation: "R1", Period: pay.PeriodMonth, Package: pay.TargetLoket}, mapping...)
	e.seedPayClient("c2", "Bakkerij Rogge", "12345679",
		pay.Settings{Administration: "1002", DebtorNumber: "D2", Relation: "R2", Period: pay.PeriodMonth, Package: pay.TargetLoket}, mapping...)
	seedBench(b, e)

	feb, _ := pay.ParsePeriod("2026-02")
	for _, size := range []struct {
		client  string
		workers int
	}{{"c2", benchWorkers2}, {"c1", benchWorkers}} {
		b.Run(fmt.Sprintf("timesheets=%d", size.workers*benchWeeks), func(b *testing.B) {
			benchExport(b, e, probe, pool, size.client, feb, size.workers*benchWeeks)
		})
	}
}

func benchExport(b *testing.B, e *env, probe *liveProbe, pool *pgxpool.Pool, clientID string, period pay.Period, want int) {
	ctx := context.Background()
	weeks := period.Weeks()
	keys := make([]int32, len(weeks))
	for i, w := range weeks {
		keys[i] = int32(w.Year*100 + w.Week)
	}
	var (
		baseline, create, files time.Duration
		createAlloc, filesAlloc uint64
		peak                    uint64
		before, after           runtime.MemStats
	)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		n, err := rawSelect(ctx, pool, clientID, keys)
		if err != nil {
			b.Fatal(err)
		}
		baseline += time.Since(t0)
		if n != want {
			b.Fatalf("select of %d, want %d", n, want)
		}

		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		stop := sampleHeap(before.HeapAlloc, &peak)
		b.StartTimer()
		t0 = time.Now()
		_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: clientID, Period: period})
		if err != nil {
			b.Fatal(err)
		}
		create += time.Since(t0)
		b.StopTimer()
		stop()
		runtime.ReadMemStats(&after)
		createAlloc += after.TotalAlloc - before.TotalAlloc
		if created[0].Items != n {
			b.Fatalf("batch of %d, select of %d", created[0].Items, n)
		}
		b.StartTimer()

		runtime.ReadMemStats(&before)
		t0 = time.Now()
		for _, f := range payrollfile.Formats {
			if err := e.pay.WriteFile(ctx, payrollBot.Actor, created[0].BatchID, f, io.Discard, nil); err != nil {
				b.Fatal(err)
			}
		}
		files += time.Since(t0)
		runtime.ReadMemStats(&after)
		filesAlloc += after.TotalAlloc - before.TotalAlloc

		b.StopTimer()
		if _, err := e.pay.CancelExport(ctx, payrollBot, paycmd.CancelExport{BatchID: created[0].BatchID}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	// One more, untimed: the live heap (after a collection) at every
	// chunk's append and every MiB of file output, above what was live
	// before: what creation and download hold at their fullest.
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&before)
	probe.start(before.HeapAlloc)
	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: clientID, Period: period})
	if err != nil {
		b.Fatal(err)
	}
	createLive := probe.stop()
	probe.start(before.HeapAlloc)
	for _, f := range payrollfile.Formats {
		if err := e.pay.WriteFile(ctx, payrollBot.Actor, created[0].BatchID, f, &probeWriter{p: probe}, nil); err != nil {
			b.Fatal(err)
		}
	}
	filesLive := probe.stop()
	if _, err := e.pay.CancelExport(ctx, payrollBot, paycmd.CancelExport{BatchID: created[0].BatchID}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(createLive)/(1<<20), "create-live-MiB")
	b.ReportMetric(float64(filesLive)/(1<<20), "files-live-MiB")
	b.StartTimer()

	per := func(d time.Duration) float64 {
		return float64(d.Microseconds()) / 1000 / float64(b.N) / (float64(want) / 1000)
	}
	b.ReportMetric(per(baseline), "select-ms/1000")
	b.ReportMetric(per(create), "create-ms/1000")
	b.ReportMetric(per(files), "4files-ms/1000")
	b.ReportMetric(float64(create)/float64(baseline), "create-x-select")
	b.ReportMetric(float64(files)/float64(baseline), "files-x-select")
	b.ReportMetric(float64(createAlloc)/float64(b.N)/float64(want), "create-B/timesheet")
	b.ReportMetric(float64(filesAlloc)/float64(b.N)/float64(want), "4files-B/timesheet")
	b.ReportMetric(float64(peak)/(1<<20), "create-peak-MiB")
}

// liveProbe measures the live heap (after a collection) whenever a
// batch's events are appended, while on.
type liveProbe struct {
	eventstore.Store
	on         atomic.Bool
	base, peak uint64
}

func (p *liveProbe) start(base uint64) { p.base, p.peak = base, 0; p.on.Store(true) }
func (p *liveProbe) stop() uint64      { p.on.Store(false); return p.peak }

func (p *liveProbe) measure() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > p.base && ms.HeapAlloc-p.base > p.peak {
		p.peak = ms.HeapAlloc - p.base
	}
}

func (p *liveProbe) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if p.on.Load() && len(evs) > 0 && (evs[0].Type == pay.TypeBatchCreated || evs[0].Type == pay.TypeBatchItemsAdded) {
		p.measure() // what the append carries (a chunk, or a whole batch) is live here
	}
	return p.Store.Append(ctx, stream, expected, evs...)
}

// probeWriter discards a file, measuring the live heap every MiB.
type probeWriter struct {
	p *liveProbe
	n int
}

func (w *probeWriter) Write(b []byte) (int, error) {
	if w.n += len(b); w.n >= 1<<20 {
		w.n = 0
		w.p.measure()
	}
	return len(b), nil
}

// sampleHeap records, until stop is called, the highest live heap above
// base in *peak (runtime/metrics, every millisecond).
func sampleHeap(base uint64, peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > base && v-base > *peak {
				*peak = v - base
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// rawSelect reads the same feed rows the export takes, decoding nothing.
func rawSelect(ctx context.Context, pool *pgxpool.Pool, clientID string, keys []int32) (int, error) {
	rows, err := pool.Query(ctx, `
		SELECT placement_id, iso_year, iso_week, worker_id, round, content_hash, lines::text, expenses::text, allowances::text
		FROM payroll_feed WHERE client_id = $1 AND NOT imported AND iso_year * 100 + iso_week = ANY($2)`, clientID, keys)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			p, w, h, l, x, a string
			y, wk, r         int
		)
		if err := rows.Scan(&p, &y, &wk, &w, &r, &h, &l, &x, &a); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// seedBench appends the workers, placements, personnel numbers and
// approved timesheets as events (8 writers) and waits for the feed.
func seedBench(b *testing.B, e *env) {
	ctx := context.Background()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		fail error
		last eventstore.Position
	)
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for n := range work {
				pos, err := seedWorker(ctx, e, n)
				mu.Lock()
				if err != nil {
					fail = err
				}
				if pos.After(last) {
					last = pos
				}
				mu.Unlock()
			}
		})
	}
	for n := range benchWorkers + benchWorkers2 {
		work <- n
	}
	close(work)
	wg.Wait()
	if fail != nil {
		b.Fatal(fail)
	}
	// The last append's position, not HeadPosition: a projector's open
	// transaction can hide the newest commits from the latter.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := e.rt.WaitFor(wctx, last, rm.FeedProjectors...); err != nil {
		b.Fatal(err)
	}
}

func seedWorker(ctx context.Context, e *env, n int) (eventstore.Position, error) {
	weeks := make([]ts.ISOWeek, benchWeeks)
	for i := range weeks {
		weeks[i] = ts.ISOWeek{Year: 2026, Week: 6 + i}
	}
	return seedWorkerWeeks(ctx, e, n, weeks)
}

// seedWorkerWeeks appends worker n (of c1 below benchWorkers, else of c2)
// with an approved timesheet in each of weeks, as events.
func seedWorkerWeeks(ctx context.Context, e *env, n int, weeks []ts.ISOWeek) (eventstore.Position, error) {
	var last eventstore.Position
	save := func(stream string, evs ...domain.Event) error {
		res, err := commands.Save(ctx, e.store, commands.Stream{Name: stream}, backoffice, now, evs...)
		if res.Position.After(last) {
			last = res.Position
		}
		return err
	}
	w, p := fmt.Sprintf("w%05d", n), fmt.Sprintf("p%05d", n)
	clientID, admin := "c1", "1001"
	if n >= benchWorkers {
		clientID, admin = "c2", "1002"
	}
	if err := save(worker.Stream(w), &worker.Registered{WorkerID: w, ClientID: clientID,
		Name: worker.Name{First: "Werker", Last: fmt.Sprint(n)}, Email: w + "@example.nl", Function: "Bakker"}); err != nil {
		return last, err
	}
	if err := save(placement.Stream(p), &placement.Started{PlacementID: p, WorkerID: w, ClientID: clientID, IntermediaryID: "i1",
		Function: "Bakker", Start: apitest.Day("2026-01-05")}); err != nil {
		return last, err
	}
	if err := save(pay.WorkerStream(w), &pay.PersonnelNumberSet{WorkerID: w, Administration: admin,
		PersonnelNumber: fmt.Sprintf("%05d", n)}); err != nil {
		return last, err
	}
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	for i, week := range weeks {
		mins := [7]ts.Minutes{480, 450, 480, 420, 465}
		opened := &ts.Opened{PlacementID: p, Week: week, WeekStart: week.Start(), WeekEnd: week.End(), EnteredBy: domain.RoleWorker,
			NormalHourType: normal, EntryDeadline: ts.EntryDeadline(week), ApprovalDeadline: ts.ApprovalDeadline(week),
			ClientID: clientID, IntermediaryID: "i1", WorkerID: w}
		approved := &ts.Approved{Round: 1, Hash: fmt.Sprintf("%064x", n*10+i),
			Lines:      []ts.Line{{HourType: normal, Minutes: mins}},
			Expenses:   []ts.Expense{{ID: 1, Type: ts.ExpenseParking, Date: week.Start(), AmountCents: 750}},
			Allowances: ts.Allowances{DaysWorked: 5, MinutesWorked: 2295, PerDayCents: 1750, TotalCents: 1750},
			DayTotals:  mins, TotalMinutes: 2295, Deadline: ts.ApprovalDeadline(week)}
		if err := save(ts.StreamName(p, week), opened, approved); err != nil {
			return last, err
		}
	}
	return last, nil
}
