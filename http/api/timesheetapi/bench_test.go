package timesheetapi_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/timesheets"
)

// Benchmarks run only under -bench. See docs/timesheets.md (Benchmarks)
// for the commands and the numbers of the reference machine.

// latencies collects per-operation durations and reports p50 and p99.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *latencies) report(b *testing.B) {
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	q := func(p float64) float64 { return float64(l.d[int(p*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// parallel runs n operations over clients goroutines, timing each. op
// gets the client number, the client's own sequence number and the global
// operation number; each client runs every clients-th operation.
func parallel(b *testing.B, clients, n int, op func(client, seq, i int)) {
	var lat latencies
	var wg sync.WaitGroup
	b.ResetTimer()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, seq := c, 0; i < n; i, seq = i+clients, seq+1 {
				t := time.Now()
				op(c, seq, i)
				lat.add(time.Since(t))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	lat.report(b)
}

// benchPlacements seeds n placements of tenant 1 (w1, c1, i1), started
// 2026-01-05, named prefix-0 .. prefix-(n-1).
func (e *env) benchPlacements(prefix string, n int) {
	for i := range n {
		e.seed(placement.Stream(fmt.Sprintf("%s-%d", prefix, i)), &placement.Started{PlacementID: fmt.Sprintf("%s-%d", prefix, i),
			WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1", Function: "Bakker", Start: day("2026-01-05")})
	}
}

// BenchmarkCommands measures command latency through the whole HTTP API
// on the PostgreSQL event store (p50/p99 at 1 and 8 concurrent clients),
// with a raw one-event append to the store as the baseline.
func BenchmarkCommands(b *testing.B) {
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("baseline-append/clients=%d", clients), func(b *testing.B) {
			e := newEnv(b)
			data := []byte(`{"x":1}`)
			parallel(b, clients, b.N, func(_, _, i int) {
				_, err := e.store.Append(context.Background(), fmt.Sprintf("bench-%d", i), eventstore.NoStream(),
					eventstore.EventData{ID: uuid.New(), Type: "bench.appended", Data: data})
				if err != nil {
					b.Error(err)
				}
			})
		})
		b.Run(fmt.Sprintf("set-line/clients=%d", clients), func(b *testing.B) {
			e := newEnv(b)
			// Each timesheet is edited 10 times (opened by the first edit),
			// by one client; values change so every call appends.
			e.benchPlacements("sl", b.N/10+clients)
			parallel(b, clients, b.N, func(c, seq, i int) {
				path := fmt.Sprintf("/timesheets/sl-%d/2026-W05/lines/100", (i/(10*clients))*clients+c)
				r := e.do("PUT", path, "worker1", map[string]any{"minutes": []int{480, 480, 480, 480, 400 + seq%10, 0, 0}})
				if r.Status != http.StatusOK {
					b.Errorf("set line: %d %s", r.Status, r.Body)
				}
			})
		})
		b.Run(fmt.Sprintf("approve/clients=%d", clients), func(b *testing.B) {
			e := newEnv(b)
			// b.N offered timesheets, one per placement (set up untimed).
			h, err := cmd.New(e.store, func() time.Time { return now })
			if err != nil {
				b.Fatal(err)
			}
			e.benchPlacements("ap", b.N)
			ctx := context.Background()
			w := commands.Meta{Actor: actors["worker1"]}
			for i := range b.N {
				tgt := cmd.Target{PlacementID: fmt.Sprintf("ap-%d", i), Week: ts.ISOWeek{Year: 2026, Week: 5}}
				if _, err := h.SetLine(ctx, w, cmd.SetLine{Target: tgt, HourType: "100", Minutes: [7]ts.Minutes{480, 480}}); err != nil {
					b.Fatal(err)
				}
				if _, err := h.Offer(ctx, w, cmd.Offer{Target: tgt}); err != nil {
					b.Fatal(err)
				}
			}
			parallel(b, clients, b.N, func(_, _, i int) {
				r := e.do("POST", fmt.Sprintf("/timesheets/ap-%d/2026-W05/approve", i), "client1", nil)
				if r.Status != http.StatusOK {
					b.Errorf("approve: %d %s", r.Status, r.Body)
				}
			})
		})
	}
}

// Scale of the query benchmark: a large bureau.
const (
	scalePlacements    = 50_000
	scaleWeeks         = 52
	scaleClients       = 1_000 // 50 placements each
	scaleIntermediarys = 20
)

func scaleIDs(p int) (placementID, worker, client, inter string) {
	c := p % scaleClients
	return fmt.Sprintf("sp%d", p), fmt.Sprintf("sw%d", p), fmt.Sprintf("sc%d", c), fmt.Sprintf("si%d", c%scaleIntermediarys)
}

// historyOf returns the events of one generated timesheet: weeks long past
// are imported, then approved, offered, rejected, open towards now.
func historyOf(t testing.TB, p int, w ts.ISOWeek, age int, at time.Time) []eventstore.RecordedEvent {
	pid, worker, client, inter := scaleIDs(p)
	stream := ts.StreamName(pid, w)
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	line := ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480, 480, 480, 480, 480}}
	days := line.Minutes
	evs := []domain.Event{
		&ts.Opened{PlacementID: pid, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
			NormalHourType: normal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
			ClientID: client, IntermediaryID: inter, WorkerID: worker},
		&ts.LineSet{Line: line, DayTotals: days},
	}
	chain := []domain.Role{domain.RoleClient, domain.RoleIntermediary}
	offered := &ts.Offered{Round: 1, Hash: "h", Chain: chain, Next: domain.RoleClient, DayTotals: days, TotalMinutes: 2400}
	switch {
	case age > 3:
		evs = append(evs, offered, &ts.Approved{Round: 1, Hash: "h", DayTotals: days, TotalMinutes: 2400}, &ts.Imported{Hash: "h", ImportBatch: "b"})
	case age == 3:
		evs = append(evs, offered, &ts.Approved{Round: 1, Hash: "h", DayTotals: days, TotalMinutes: 2400})
	case age == 2:
		evs = append(evs, offered)
	case age == 1 && p%10 == 0:
		evs = append(evs, offered, &ts.Rejected{Round: 1, Party: domain.RoleClient, By: domain.RoleClient, Reason: "nee", ReturnedTo: domain.RoleWorker})
	}
	out := make([]eventstore.RecordedEvent, len(evs))
	for i, e := range evs {
		data, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: uint64(i), Type: e.EventType(), Data: data,
			Metadata: eventstore.Metadata{ActorRole: "worker", ActorID: "acc-" + worker, OccurredAt: at}, Created: at}
	}
	return out
}

// BenchmarkQueriesAtScale measures GET /overview and week colours over 50,000
// placements with 52 weeks of history each (2.6 million timesheets), with
// raw SQL baselines. To keep the set-up short the rows are generated in SQL
// (generate_series) around a document the projector itself produced for one
// generated history, and the counts are aggregated from the rows the way the
// projector keeps them; the projector's own throughput is BenchmarkRebuild's.
func BenchmarkQueriesAtScale(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	start := time.Now()
	last := ts.ISOWeek{Year: 2026, Week: 5}
	first := last
	for range scaleWeeks - 1 {
		first = first.Prev()
	}
	// One real timesheet's detail columns, from the projector (bench_model),
	// copied into every generated row.
	generated := []string{"stream", "placement_id", "iso_year", "iso_week", "week_start", "worker_id", "client_id",
		"intermediary_id", "status", "next_party", "total_minutes", "entry_deadline", "approval_deadline", "offered_late",
		"approved_late", "revision", "updated_at"}
	var detail string
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if err := rm.NewTimesheets().HandleBatch(ctx, tx, historyOf(b, 0, first, scaleWeeks, now)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = 'ts_timesheets' AND column_name <> ALL($1)`, generated).Scan(&detail); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE bench_model AS SELECT * FROM ts_timesheets LIMIT 1; TRUNCATE ts_timesheets, ts_status_counts`)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	firstDay := first.Start().String()
	for _, q := range []string{
		`INSERT INTO ts_placements (placement_id, worker_id, client_id, intermediary_id, start_date, revision)
		 SELECT 'sp'||p, 'sw'||p, 'sc'||(p % 1000), 'si'||(p % 1000 % 20), $1::date, 0 FROM generate_series(0, 49999) p`,
		`INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id, intermediary_id,
			status, next_party, total_minutes, entry_deadline, approval_deadline, offered_late, approved_late, revision, updated_at, ` + detail + `)
		 SELECT 'timesheet-sp'||p||'-'||to_char(ws, 'IYYY"W"IW'), 'sp'||p, extract(isoyear FROM ws)::int, extract(week FROM ws)::int, ws,
			'sw'||p, 'sc'||(p % 1000), 'si'||(p % 1000 % 20),
			CASE WHEN age > 3 THEN 'imported' WHEN age = 3 THEN 'approved' WHEN age = 2 THEN 'offered'
				WHEN p % 10 = 0 THEN 'rejected' ELSE 'open' END,
			CASE WHEN age = 2 THEN 'client' END, 2400, ws + interval '8 days', ws + interval '9 days 10 hours', false, false, 4, now(), ` + detail + `
		 FROM bench_model, generate_series(0, 49999) p, generate_series(0, 51) i,
			LATERAL (SELECT $1::date + 7 * i AS ws, 52 - i AS age) x`,
		`INSERT INTO ts_status_counts (scope_kind, scope_id, status, n)
		 SELECT 'all', '', status, count(*) FROM ts_timesheets GROUP BY status
		 UNION ALL SELECT 'intermediary', intermediary_id, status, count(*) FROM ts_timesheets GROUP BY intermediary_id, status
		 UNION ALL SELECT 'client', client_id, status, count(*) FROM ts_timesheets GROUP BY client_id, status
		 UNION ALL SELECT 'worker', worker_id, status, count(*) FROM ts_timesheets GROUP BY worker_id, status`,
		`DROP TABLE bench_model`,
		`ANALYZE`,
	} {
		args := []any{firstDay}
		if !strings.Contains(q, "$1") {
			args = nil
		}
		if _, err := e.pool.Exec(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("generated %d placements × %d weeks in %s", scalePlacements, scaleWeeks, time.Since(start).Round(time.Second))

	scopes := []struct{ name, actor string }{
		{"backoffice", "backoffice"}, {"intermediary", "sinter"}, {"client", "sclient"}, {"worker", "sworker"},
	}
	actors["sinter"] = domain.Actor{AccountID: "acc-si", Role: domain.RoleIntermediary, IntermediaryID: "si3"}
	actors["sclient"] = domain.Actor{AccountID: "acc-sc", Role: domain.RoleClient, ClientID: "sc7"}
	actors["sworker"] = domain.Actor{AccountID: "acc-sw", Role: domain.RoleWorker, WorkerID: "sw77"}
	for _, sc := range scopes {
		b.Run("overview/"+sc.name, func(b *testing.B) {
			parallel(b, 1, b.N, func(_, _, _ int) {
				if r := e.do("GET", "/overview", sc.actor, nil); r.Status != 200 {
					b.Errorf("%d %s", r.Status, r.Body)
				}
			})
		})
	}
	b.Run("overview/baseline-sql-count-client", func(b *testing.B) {
		parallel(b, 1, b.N, func(_, _, i int) {
			if err := drain(ctx, e.pool, []any{new(string), new(int)}, `SELECT status, count(*) FROM ts_timesheets WHERE client_id = $1 GROUP BY status`, fmt.Sprintf("sc%d", i%scaleClients)); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("overview/baseline-sql-count-intermediary", func(b *testing.B) {
		// 130,000 rows per intermediary: capped at 200 samples (p50/p99 only).
		parallel(b, 1, min(b.N, 200), func(_, _, i int) {
			if err := drain(ctx, e.pool, []any{new(string), new(int)}, `SELECT status, count(*) FROM ts_timesheets WHERE intermediary_id = $1 GROUP BY status`, fmt.Sprintf("si%d", i%scaleIntermediarys)); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("overview/baseline-sql-counts-table", func(b *testing.B) {
		parallel(b, 1, b.N, func(_, _, i int) {
			if err := drain(ctx, e.pool, []any{new(string), new(int64)}, `SELECT status, n FROM ts_status_counts WHERE scope_kind = 'client' AND scope_id = $1`, fmt.Sprintf("sc%d", i%scaleClients)); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("weeks", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		parallel(b, 1, b.N, func(_, _, _ int) {
			p, _, _, _ := scaleIDs(rng.IntN(scalePlacements))
			if r := e.do("GET", "/placements/"+p+"/weeks?year=2025", "backoffice", nil); r.Status != 200 {
				b.Errorf("%d %s", r.Status, r.Body)
			}
		})
	})
	b.Run("weeks/baseline-sql", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		parallel(b, 1, b.N, func(_, _, _ int) {
			p, _, _, _ := scaleIDs(rng.IntN(scalePlacements))
			if err := drain(ctx, e.pool, []any{new(int), new(string)}, `SELECT iso_week, status FROM ts_timesheets WHERE placement_id = $1 AND iso_year = 2025`, p); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("list/client-not-approved", func(b *testing.B) {
		parallel(b, 1, b.N, func(_, _, _ int) {
			if r := e.do("GET", "/timesheets?status=not_approved&limit=50", "sclient", nil); r.Status != 200 {
				b.Errorf("%d %s", r.Status, r.Body)
			}
		})
	})
}

// BenchmarkRebuild replays a history appended to the PostgreSQL event store
// (placements × 52 weeks, at two sizes) through the projections runtime's
// rebuild of the timesheet read models, on a cluster with fsync=on. The
// baseline, timed in the same loop, is one raw ReadAll pass over the same
// log in pages of the rebuild's size. Reports events/s (absolute) and each
// rebuild's time over the raw pass's (ratio).
func BenchmarkRebuild(b *testing.B) {
	for _, placements := range []int{100, 1600} {
		b.Run(fmt.Sprintf("placements=%d", placements), func(b *testing.B) { benchRebuild(b, placements) })
	}
}

func benchRebuild(b *testing.B, placements int) {
	e := newEnv(b)
	ctx := context.Background()
	appendRebuildHistory(b, e, placements)
	// The live projectors finish projecting the history before the clock
	// starts: a rebuild waits for its projector's work in hand, and timing
	// that catch-up as well made the rebuild look as slow as the catch-up.
	head, err := e.store.HeadPosition(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Minute); ; { // WaitFor gives up after 30 s each time
		err := e.rt.WaitFor(ctx, head)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal(err)
		}
	}
	// One untimed round of what each iteration times: the first raw pass
	// in the process took about 1.5 times the CPU of later ones (the first
	// rebuild less so), so a cell of one iteration compared the rebuild
	// with a cold baseline and came out 20-30 % better than a cell of ten
	// (BENCHMARKS.md §5, rebuild100). Now every timed iteration is warm.
	if _, err := countAll(ctx, e.store); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{rm.NamePlacements, rm.NameTimesheets} {
		if err := e.rt.Rebuild(ctx, name, nil); err != nil {
			b.Fatal(err)
		}
	}
	var raw, timesheets, pair, floor, rawCPU, timesheetsCPU, timesheetsGoCPU time.Duration
	total := 0
	b.ResetTimer()
	for b.Loop() {
		t0, c0 := time.Now(), treeCPU()
		n, err := countAll(ctx, e.store)
		if err != nil {
			b.Fatal(err)
		}
		raw += time.Since(t0)
		rawCPU += treeCPU() - c0
		total = n
		for _, name := range []string{rm.NamePlacements, rm.NameTimesheets} {
			stop := profileRebuild(b, name, placements)
			t0, c0, g0 := time.Now(), treeCPU(), selfCPU()
			if err := e.rt.Rebuild(ctx, name, nil); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			stop()
			pair += d
			if name == rm.NameTimesheets {
				timesheets += d
				timesheetsCPU += treeCPU() - c0
				timesheetsGoCPU += selfCPU() - g0
			}
		}
		d, err := copyFloor(ctx, e.pool)
		if err != nil {
			b.Fatal(err)
		}
		floor += d
	}
	b.StopTimer()
	b.ReportMetric(float64(total), "events")
	b.ReportMetric(float64(total*b.N)/timesheets.Seconds(), "timesheets_events/s")
	b.ReportMetric(timesheets.Seconds()/raw.Seconds(), "timesheets_x_readall")
	b.ReportMetric(pair.Seconds()/raw.Seconds(), "pair_x_readall")
	b.ReportMetric(float64(total*b.N)/raw.Seconds(), "readall_events/s")
	b.ReportMetric(floor.Seconds()/raw.Seconds(), "copyfloor_x_readall")
	// CPU time (Go process and PostgreSQL): steadier than the wall time on
	// a loaded machine. Not a target; a cross-check of the ratios above.
	if rawCPU > 0 {
		b.ReportMetric(timesheetsCPU.Seconds()/rawCPU.Seconds(), "timesheets_cpu_x_readall_cpu")
		b.ReportMetric(timesheetsCPU.Seconds()/float64(b.N), "timesheets_cpu_s")
		b.ReportMetric(timesheetsGoCPU.Seconds()/float64(b.N), "timesheets_go_cpu_s")
	}
}

// profileRebuild writes a CPU profile of the timesheets rebuild alone (not
// the history's append nor the live projectors' catch-up before it) to
// $BENCH_REBUILD_CPUPROFILE.placements=N when that is set; the returned
// func stops it.
func profileRebuild(b *testing.B, name string, placements int) func() {
	path := os.Getenv("BENCH_REBUILD_CPUPROFILE")
	if path == "" || name != rm.NameTimesheets {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.placements=%d", path, placements))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}

// appendRebuildHistory appends placements × 52 weeks of timesheet history
// (8 writers), the log BenchmarkRebuild replays.
func appendRebuildHistory(b *testing.B, e *env, placements int) {
	ctx := context.Background()
	last := ts.ISOWeek{Year: 2026, Week: 5}
	first := last
	for range scaleWeeks - 1 {
		first = first.Prev()
	}
	var wg sync.WaitGroup
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				pid, worker, client, inter := scaleIDs(p)
				data, _ := domain.Encode(&placement.Started{PlacementID: pid, WorkerID: worker, ClientID: client, IntermediaryID: inter,
					Start: first.Start().At(0, 0, time.UTC)})
				if _, err := e.store.Append(ctx, placement.Stream(pid), eventstore.NoStream(),
					eventstore.EventData{ID: uuid.New(), Type: placement.TypeStarted, Data: data}); err != nil {
					b.Error(err)
					return
				}
				w := first
				for i := range scaleWeeks {
					var evs []eventstore.EventData
					for _, r := range historyOf(b, p, w, scaleWeeks-i, now) {
						evs = append(evs, eventstore.EventData{ID: r.ID, Type: r.Type, Data: r.Data, Metadata: r.Metadata})
					}
					if _, err := e.store.Append(ctx, ts.StreamName(pid, w), eventstore.NoStream(), evs...); err != nil {
						b.Error(err)
						return
					}
					w = w.Next()
				}
			}
		}()
	}
	for p := range placements {
		work <- p
	}
	close(work)
	wg.Wait()
}

// copyFloor times the least a rebuild of ts_timesheets must write: the
// rebuilt rows, copied out as text, COPYed into an empty table with only
// the primary key.
func copyFloor(ctx context.Context, pool *pgxpool.Pool) (time.Duration, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	var rows bytes.Buffer
	if _, err := conn.Conn().PgConn().CopyTo(ctx, &rows, `COPY ts_timesheets TO STDOUT`); err != nil {
		return 0, err
	}
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bench_floor;
		CREATE TABLE bench_floor (LIKE ts_timesheets INCLUDING DEFAULTS); ALTER TABLE bench_floor ADD PRIMARY KEY (stream)`); err != nil {
		return 0, err
	}
	t0 := time.Now()
	if _, err := conn.Conn().PgConn().CopyFrom(ctx, &rows, `COPY bench_floor FROM STDIN`); err != nil {
		return 0, err
	}
	d := time.Since(t0)
	_, err = conn.Exec(ctx, `DROP TABLE bench_floor`)
	return d, err
}

// countAll is the raw pass: ReadAll pages of the rebuild's size.
func countAll(ctx context.Context, store eventstore.Store) (int, error) {
	n, from := 0, eventstore.Start
	for {
		evs, err := store.ReadAll(ctx, from, 10000)
		if err != nil || len(evs) == 0 {
			return n, err
		}
		n += len(evs)
		from = evs[len(evs)-1].Position
	}
}

// drain runs a query and reads every row into scan: the SQL baseline an
// endpoint's benchmark is compared with.
func drain(ctx context.Context, pool *pgxpool.Pool, scan []any, sql string, args ...any) error {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, scan, func() error { return nil })
	return err
}
