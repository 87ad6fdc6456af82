package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/demo"
	"backoffice/internal/pgtest"
	"backoffice/internal/procstat"
	"backoffice/internal/schema"
	"backoffice/internal/testrun"
	"backoffice/internal/tools/procmem"
	"backoffice/notify/mail"
)

// BenchmarkCommandPath measures one timesheet command on the path a real
// request takes: the whole application (every projector running), a real
// login (bearer token from POST /session), an Idempotency-Key on every
// request, fsync on. The baseline, interleaved in the same loop, is a raw
// single-row INSERT transaction. It also counts the PostgreSQL transactions
// (pg_stat_database) and WAL records (pg_stat_wal) per command over a
// stretch of commands alone, projections included.
//
//	go test ./internal/app/ -run '^$' -bench BenchmarkCommandPath -benchtime 400x
func BenchmarkCommandPath(b *testing.B) {
	ctx := context.Background()
	cs := pgtest.NewDBFromTemplate(b, "app_bench", schema.Migrate)
	// The pool as serve sizes it (cmd/backoffice/database.go: at least 20
	// connections), not pgxpool's default of 4 on two cores, which has 16
	// clients queue for connections rather than for the database.
	pool := pgtest.PoolOfSize(b, cs, 20)
	if _, err := pool.Exec(ctx, `CREATE TABLE bench_raw (id bigint, stream text, payload json)`); err != nil {
		b.Fatal(err)
	}
	store, err := postgres.New(ctx, pool, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	outbox, err := mail.NewFileOutbox(b.TempDir(), "portal@bureau.test", nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC)
	a, err := New(ctx, Options{
		Pool: pool, Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock: func() time.Time { return now }, MasterKey: []byte("0123456789abcdef0123456789abcdef"),
		PublicURL: "http://localhost", MailSender: outbox, EventsInPool: true,
		Auth: auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close() }) // after the app stopped
	testrun.Background(b, ctx, a.Run)
	if _, err := demo.Seed(ctx, a.Identity, now, nil); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	b.Cleanup(srv.Close)
	// Each of the 16 clients keeps its connection alive, as a browser or
	// an API client does: http.DefaultClient keeps only 2 idle connections
	// per host, so most requests would dial (and the server set up) a new
	// connection, which measures the harness, not the product.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	client := &http.Client{Transport: transport}
	b.Cleanup(transport.CloseIdleConnections)

	call := func(method, path, token, key string, body any) (int, []byte, string) {
		var rd io.Reader
		if body != nil {
			js, _ := json.Marshal(body)
			rd = bytes.NewReader(js)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out, resp.Header.Get("X-Position")
	}
	status, body, _ := call("POST", "/api/v1/session", "", "", map[string]string{"email": "marieke@groeneblad.example.nl", "password": demo.Password})
	if status != http.StatusCreated {
		b.Fatalf("login: %d %s", status, body)
	}
	var sess struct{ Token string }
	_ = json.Unmarshal(body, &sess)

	var seq atomic.Int64
	// command sets a line of one of 2026-W01..W06 of the garden centre's
	// placements 07-10 (entered by the client); slot -1 picks a week of
	// placement 07 in turn, slot k owns one (placement, week) of the 24.
	command := func(slot int) eventstore.Position {
		n := seq.Add(1)
		placement, week := 7, 1+int(n%6)
		if slot >= 0 {
			placement, week = 7+slot%4, 1+slot/4
		}
		path := fmt.Sprintf("/api/v1/timesheets/demo-placement-%02d/2026-W%02d/lines/100", placement, week)
		st, out, at := call("PUT", path, sess.Token, fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), n),
			map[string]any{"minutes": []int{480, 480, 480, 480, int(n % 480), 0, 0}})
		if st != http.StatusOK {
			b.Fatalf("command: %d %s", st, out)
		}
		pos, err := eventstore.ParsePosition(at)
		if err != nil {
			b.Fatal(err)
		}
		return pos
	}
	raw := func() {
		if _, err := pool.Exec(ctx, `INSERT INTO bench_raw VALUES ($1, $2, $3)`, seq.Add(1), "timesheet-x", `{"minutes":[480,480]}`); err != nil {
			b.Fatal(err)
		}
	}
	for range 20 { // warm up: sessions, plans, pages
		command(-1)
	}

	// Transactions and WAL per command: backends report their counters
	// within PostgreSQL's idle flush interval (10 s), so wait it out
	// around a stretch of commands alone.
	counters := func() (xacts, walRecords, walSyncs int64) {
		time.Sleep(11 * time.Second)
		if err := pool.QueryRow(ctx, `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
			(SELECT wal_records FROM pg_stat_wal), (SELECT wal_sync FROM pg_stat_wal)`).Scan(&xacts, &walRecords, &walSyncs); err != nil {
			b.Fatal(err)
		}
		return
	}
	const stretch = 200
	statements := os.Getenv("BENCH_STATEMENTS") != ""
	if statements {
		if _, err := pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
			b.Fatal(err)
		}
	}
	x0, r0, s0 := counters()
	t0 := time.Now()
	if statements {
		if _, err := pool.Exec(ctx, `SELECT pg_stat_statements_reset()`); err != nil {
			b.Fatal(err)
		}
	}
	for range stretch {
		command(-1)
	}
	if statements {
		logStatements(ctx, b, pool, stretch)
	}
	x1, r1, s1 := counters()
	t1 := time.Now()
	// What the process does with no command at all (liveness pings, idle
	// polls of the $all reader), per second, over the next wait: the
	// figure net of it is what the commands themselves cost.
	xIdle, _, _ := counters()
	idlePerSecond := float64(xIdle-x1-1) / time.Since(t1).Seconds()

	var cmdTimes, rawTimes []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		raw()
		rawTimes = append(rawTimes, time.Since(t0))
		t0 = time.Now()
		command(-1)
		cmdTimes = append(cmdTimes, time.Since(t0))
	}
	b.StopTimer()
	p := func(ds []time.Duration, q float64) time.Duration {
		slices.Sort(ds)
		return ds[int(q*float64(len(ds)-1))]
	}
	b.ReportMetric(float64(p(cmdTimes, 0.5).Microseconds()), "cmd_p50_µs")
	b.ReportMetric(float64(p(cmdTimes, 0.99).Microseconds()), "cmd_p99_µs")
	b.ReportMetric(float64(p(rawTimes, 0.5).Microseconds()), "raw_insert_p50_µs")
	b.ReportMetric(float64(p(cmdTimes, 0.5))/float64(p(rawTimes, 0.5)), "p50_x_raw_insert")

	// Clients in parallel, each on its own timesheet: throughput, and the
	// visibility lag without min_position: from the command's answer until
	// every projector has passed its position (the read models show it).
	pgPID := postmasterPID(ctx, b, pool)
	for _, clients := range []int{1, 4, 16} {
		const each = 100
		if statements && clients == 16 {
			if _, err := pool.Exec(ctx, `SELECT pg_stat_statements_reset()`); err != nil {
				b.Fatal(err)
			}
		}
		self0, pg0 := procstat.CPU("self"), procstat.TreeCPU(pgPID)
		// Allocations of the whole process (server, projectors and the
		// HTTP clients) per command, and with BENCH_CPUPROFILE16=file a
		// CPU profile of this stage alone (diagnostic runs only).
		var mem0 runtime.MemStats
		if clients == 16 {
			runtime.ReadMemStats(&mem0)
			if f := os.Getenv("BENCH_CPUPROFILE16"); f != "" {
				writeHeapProfile(b, f+".heap0")
				stop := startCPUProfile(b, f)
				defer stop()
			}
		}
		var mu sync.Mutex
		var lags []time.Duration
		var wg sync.WaitGroup
		t0 := time.Now()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					pos := command(c)
					answered := time.Now()
					if err := a.Projections.WaitFor(ctx, pos); err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					lags = append(lags, time.Since(answered))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(t0)
		b.ReportMetric(float64(clients*each)/elapsed.Seconds(), fmt.Sprintf("cmds/s_%dclients", clients))
		if statements && clients == 16 {
			// The streams are longest here (hundreds of events).
			logStatements(ctx, b, pool, clients*each)
			logTableWrites(ctx, b, pool, clients*each)
		}
		if clients == 16 && self0 >= 0 && pg0 >= 0 {
			// CPU per command, this process (server, projectors and the
			// HTTP clients) and PostgreSQL: less moved by other load on
			// the machine than commands/s.
			cmds := float64(clients * each)
			b.ReportMetric((procstat.CPU("self")-self0)/cmds*1e6, "cpu_self_µs/cmd_16clients")
			b.ReportMetric((procstat.TreeCPU(pgPID)-pg0)/cmds*1e6, "cpu_pg_µs/cmd_16clients")
		}
		if clients == 16 {
			var mem1 runtime.MemStats
			runtime.ReadMemStats(&mem1)
			cmds := float64(clients * each)
			b.ReportMetric(float64(mem1.Mallocs-mem0.Mallocs)/cmds, "allocs/cmd_16clients")
			b.ReportMetric(float64(mem1.TotalAlloc-mem0.TotalAlloc)/cmds/1e3, "alloc_kB/cmd_16clients")
			// The collector's cycles per command: what GOGC trades
			// against memory (docs/BENCHMARKS.md §9.16), a count the
			// machine's load does not move.
			b.ReportMetric(float64(mem1.NumGC-mem0.NumGC)/cmds, "gc_cycles/cmd_16clients")
			if f := os.Getenv("BENCH_CPUPROFILE16"); f != "" {
				pprof.StopCPUProfile()
				writeHeapProfile(b, f+".heap1") // go tool pprof -diff_base …heap0 …heap1
			}
		}
		b.ReportMetric(float64(p(lags, 0.5).Microseconds()), fmt.Sprintf("lag_p50_µs_%dclients", clients))
		b.ReportMetric(float64(p(lags, 0.99).Microseconds()), fmt.Sprintf("lag_p99_µs_%dclients", clients))
	}
	// The reading of the counters is one transaction of its own.
	b.ReportMetric(float64(x1-x0-1)/stretch, "pg_xacts/command")
	b.ReportMetric(idlePerSecond, "pg_xacts/s_idle")
	b.ReportMetric((float64(x1-x0-1)-idlePerSecond*t1.Sub(t0).Seconds())/stretch, "pg_xacts/command_net_of_idle")
	if rss, hwm, ok := procmem.Read("self"); ok {
		b.ReportMetric(rss/1e6, "rss_MB")
		b.ReportMetric(hwm/1e6, "rss_peak_MB")
	}
	b.ReportMetric(float64(r1-r0)/stretch, "wal_records/command")
	b.ReportMetric(float64(s1-s0)/stretch, "wal_syncs/command")
}

// startCPUProfile starts a CPU profile into file (a suffix per run of the
// benchmark function, so -test.count runs keep theirs); the returned stop
// is safe to call after StopCPUProfile.
func startCPUProfile(b *testing.B, file string) func() {
	f, err := os.Create(fmt.Sprintf("%s.%d.%d", file, os.Getpid(), profileRuns.Add(1)))
	if err != nil {
		b.Fatal(err)
	}
	// 1 kHz rather than pprof's 100 Hz: the stage lasts a few seconds.
	// (pprof then warns that the rate is set already; the profile's
	// durations read 10× too long, its proportions are right.)
	runtime.SetCPUProfileRate(1000)
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }
}

var profileRuns atomic.Int64

// writeHeapProfile writes the allocations so far (the alloc_ samples are
// cumulative: two of them give a stage's by -diff_base).
func writeHeapProfile(b *testing.B, file string) {
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

// postmasterPID is the PID of the benchmark cluster's postmaster (the
// parent of this connection's backend), or "" where /proc cannot tell.
func postmasterPID(ctx context.Context, b *testing.B, pool *pgxpool.Pool) string {
	var backend int
	if err := pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		b.Fatal(err)
	}
	if f := procstat.Fields(strconv.Itoa(backend)); f != nil {
		return f[1]
	}
	return ""
}

// logStatements logs every statement PostgreSQL ran since the last
// pg_stat_statements_reset, as calls per command (BENCH_STATEMENTS=1 make
// bench-load): where a command's round trips and transactions go. Per call:
// rows, execution time, shared blocks hit, and how often the server planned
// the statement (a custom plan each time; a generic plan is made once per
// connection) with the planning time.
func logStatements(ctx context.Context, b *testing.B, pool *pgxpool.Pool, commands int) {
	rows, err := pool.Query(ctx, `SELECT calls, rows, total_exec_time, shared_blks_hit, plans, total_plan_time, query FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC, query`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out strings.Builder
	var total float64
	for rows.Next() {
		var calls, n, hit, plans int64
		var ms, planMS float64
		var query string
		if err := rows.Scan(&calls, &n, &ms, &hit, &plans, &planMS, &query); err != nil {
			b.Fatal(err)
		}
		per := float64(calls) / float64(commands)
		total += per
		q := strings.Join(strings.Fields(query), " ")
		if i := strings.Index(q, " FROM "); strings.HasPrefix(q, "SELECT e.seq") && i > 0 {
			q = "SELECT …" + q[i:] // the event columns
		}
		if len(q) > 160 {
			q = q[:160] + "…"
		}
		fmt.Fprintf(&out, "%7.2f  %7.2f rows  %7.1f µs  %7.1f blks hit  %4.2f planned, %6.1f µs  %s\n", per, float64(n)/float64(calls),
			ms*1000/float64(calls), float64(hit)/float64(calls), float64(plans)/float64(calls), planMS*1000/float64(calls), q)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	b.Logf("statements per command (%d commands, %.1f in all):\n%s", commands, total, out.String())
}

// logTableWrites logs, per table written since the statistics were reset
// (BENCH_STATEMENTS=1), its rows inserted and updated per command and the
// share of updates that were HOT (no index entry written): an update that
// is not HOT inserts into every index of its table. It waits out the
// server's statistics flush interval first.
func logTableWrites(ctx context.Context, b *testing.B, pool *pgxpool.Pool, commands int) {
	time.Sleep(11 * time.Second)
	rows, err := pool.Query(ctx, `SELECT t.relname, n_tup_ins, n_tup_upd, n_tup_hot_upd,
		(SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid), coalesce(c.reloptions::text, '')
		FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
		WHERE n_tup_ins + n_tup_upd > 0 ORDER BY n_tup_ins + n_tup_upd DESC`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out strings.Builder
	for rows.Next() {
		var name, opts string
		var ins, upd, hot, indexes int64
		if err := rows.Scan(&name, &ins, &upd, &hot, &indexes, &opts); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&out, "%-32s %10d ins %10d upd %5.1f %% HOT  %2d indexes  %s\n", name, ins, upd, 100*float64(hot)/max(1, float64(upd)), indexes, opts)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	b.Logf("rows written since the cluster started (the last %d commands' share is most of the updates):\n%s", commands, out.String())
}
