// Command loadbench drives a running `backoffice serve -demo` over its JSON
// API as clients do (issue 13 §5, docs/BENCHMARKS.md §9.3): the demo's
// client user logs in once (bearer token) and N clients each set the hours
// of a timesheet of their own (PUT …/lines/100 with an Idempotency-Key).
// Per number of clients it prints commands/s, the command's p50/p99, and
// the visibility lag: without min_position (from the answer until a plain
// GET of the timesheet shows the new total) and with it (how long a GET with
// min_position takes), and the CPU the server and its PostgreSQL spent
// per command (with -pid and -data, from /proc), the visibility checks'
// GETs and the projectors' batch commits (from /metrics) per command.
// With -data (the server's data directory) or -db it also reads PostgreSQL's transactions and WAL per command over a stretch of
// commands alone; with -pid the server's RSS (VmRSS, VmHWM).
//
//	go build -o /tmp/backoffice ./cmd/backoffice && go build -o /tmp/loadbench ./internal/tools/loadbench
//	BACKOFFICE_DATA_DIR=/tmp/bo-load /tmp/backoffice serve -demo -addr 127.0.0.1:18083 & pid=$!
//	/tmp/loadbench -url http://127.0.0.1:18083 -data /tmp/bo-load -pid $pid
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/internal/tools/procmem"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18083", "the server")
	clientsFlag := flag.String("clients", "1,4,16", "numbers of parallel clients, one phase each (at most 24)")
	each := flag.Int("n", 100, "commands per client per phase")
	stretch := flag.Int("stretch", 200, "commands alone for the transaction and WAL counts")
	dataDir := flag.String("data", "", "the server's data directory (embedded PostgreSQL): read its statistics")
	dsn := flag.String("db", "", "a connection string to the server's database instead of -data")
	pid := flag.Int("pid", 0, "the server's process ID: report its RSS")
	flag.Parse()

	b := &bench{base: strings.TrimRight(*base, "/"), http: &http.Client{Timeout: time.Minute}}
	// The demo data may still be on its way in: try for a minute.
	for try := 0; ; try++ {
		err := b.login("marieke@groeneblad.example.nl", "demo-wachtwoord")
		if err == nil {
			break
		}
		if try == 60 {
			fail(err)
		}
		time.Sleep(time.Second)
	}
	for range 20 { // warm up: sessions, plans, pages
		if _, _, err := b.command(0); err != nil {
			fail(err)
		}
	}
	if *dataDir != "" && *dsn == "" {
		dir, _ := filepath.Abs(filepath.Join(*dataDir, "postgres"))
		*dsn = fmt.Sprintf("host=%s port=5432 user=postgres dbname=backoffice", dir)
	}
	if *dsn != "" {
		if err := b.counts(*dsn, *stretch); err != nil {
			fail(err)
		}
	}
	if *pid > 0 {
		b.cpu.server = strconv.Itoa(*pid)
	}
	b.cpu.dataDir = *dataDir
	fmt.Printf("%-8s %10s %10s %10s %22s %22s %8s %24s %9s %18s\n", "clients", "cmds/s", "cmd p50", "cmd p99",
		"lag p50/p99 (plain)", "lag p50/p99 (min_pos)", "errors", "CPU ms/cmd server · pg", "GETs/cmd", "proj. commits/cmd")
	for _, f := range strings.Split(*clientsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 24 {
			fail(fmt.Errorf("-clients: %q", f))
		}
		b.phase(n, *each)
	}
	if *pid > 0 {
		rss, peak, _ := procmem.Read(strconv.Itoa(*pid))
		fmt.Printf("server RSS %.1f MB, peak (VmHWM) %.1f MB\n", rss/1e6, peak/1e6)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadbench:", err)
	os.Exit(1)
}

type bench struct {
	cpu   cpuMeter
	base  string
	http  *http.Client
	token string
	seq   atomic.Int64
	gets  atomic.Int64 // GETs of the visibility checks
}

func (b *bench) do(method, path string, body any, header ...string) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if b.token != "" {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, res.Header, err
}

func (b *bench) login(email, password string) error {
	status, body, _, err := b.do("POST", "/api/v1/session", map[string]string{"email": email, "password": password})
	if err != nil {
		return err
	}
	var s struct{ Token string }
	_ = json.Unmarshal(body, &s)
	if status != http.StatusCreated || s.Token == "" {
		return fmt.Errorf("login: %d %s", status, body)
	}
	b.token = s.Token
	return nil
}

// sheet is the timesheet client slot k owns: the garden centre's
// placements 07-10 (entered by the client) × the six weeks before this one
// (the demo's placements run around today).
func sheet(k int) string {
	year, week := time.Now().AddDate(0, 0, -7*(1+k/4%6)).ISOWeek()
	return fmt.Sprintf("/api/v1/timesheets/demo-placement-%02d/%d-W%02d", 7+k%4, year, week)
}

// command sets line 100 of slot k's timesheet to a total no earlier
// command of this run gave it; it returns that total and the position.
func (b *bench) command(k int) (total int, position string, err error) {
	n := int(b.seq.Add(1))
	minutes := []int{480, 480, 480, 480, n % 480, 0, 0}
	status, body, h, err := b.do("PUT", sheet(k)+"/lines/100", map[string]any{"minutes": minutes},
		"Idempotency-Key", fmt.Sprintf("load-%d-%d", time.Now().UnixNano(), n))
	if err != nil {
		return 0, "", err
	}
	if status != http.StatusOK {
		return 0, "", fmt.Errorf("command: %d %s", status, body)
	}
	return 4*480 + n%480, h.Get("X-Position"), nil
}

// visibleTotal reads slot k's timesheet (with min_position when pos is
// set) and returns its total.
func (b *bench) visibleTotal(k int, pos string) (int, error) {
	b.gets.Add(1)
	path := sheet(k)
	if pos != "" {
		path += "?min_position=" + pos
	}
	status, body, _, err := b.do("GET", path, nil)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("query: %d %s", status, body)
	}
	var d struct {
		TotalMinutes int `json:"total_minutes"`
	}
	err = json.Unmarshal(body, &d)
	return d.TotalMinutes, err
}

// phase runs clients in parallel, each commands times on its own sheet.
// Each client waits until its write is visible before its next command, as
// a user reloading the page would: every other command by polling a plain
// GET, the others with one GET carrying min_position.
func (b *bench) phase(clients, commands int) {
	var (
		mu                  sync.Mutex
		cmd, plain, withPos []time.Duration
		errs                int
		wg                  sync.WaitGroup
	)
	srv0, pg0 := b.cpu.read()
	gets0, commits0 := b.gets.Load(), b.projectorCommits()
	t0 := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range commands {
				start := time.Now()
				total, pos, err := b.command(c)
				answered := time.Now()
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				var lag time.Duration
				if i%2 == 0 {
					for {
						got, err := b.visibleTotal(c, "")
						if err != nil || got == total || time.Since(answered) > 30*time.Second {
							break
						}
						time.Sleep(time.Millisecond)
					}
					lag = time.Since(answered)
				} else {
					if _, err := b.visibleTotal(c, pos); err != nil {
						mu.Lock()
						errs++
						mu.Unlock()
					}
					lag = time.Since(answered)
				}
				mu.Lock()
				cmd = append(cmd, answered.Sub(start))
				if i%2 == 0 {
					plain = append(plain, lag)
				} else {
					withPos = append(withPos, lag)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	srv1, pg1 := b.cpu.read()
	commits := "-"
	if c0, c1 := commits0, b.projectorCommits(); c0 >= 0 && c1 >= 0 {
		commits = fmt.Sprintf("%.2f", (c1-c0)/float64(clients*commands))
	}
	perCmd := func(a, b float64) string {
		if a < 0 || b < 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", (b-a)*1000/float64(clients*commands))
	}
	fmt.Printf("%-8d %10.1f %10s %10s %22s %22s %8d %24s %9.1f %18s\n", clients, float64(clients*commands)/elapsed.Seconds(),
		ms(pct(cmd, 0.5)), ms(pct(cmd, 0.99)),
		ms(pct(plain, 0.5))+" / "+ms(pct(plain, 0.99)), ms(pct(withPos, 0.5))+" / "+ms(pct(withPos, 0.99)), errs,
		perCmd(srv0, srv1)+" · "+perCmd(pg0, pg1), float64(b.gets.Load()-gets0)/float64(clients*commands), commits)
}

// counts runs stretch commands alone, one after the other, and prints
// PostgreSQL's transactions, WAL records and WAL syncs per command, gross
// and net of what the server does idle over as long a time.
func (b *bench) counts(dsn string, stretch int) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	read := func() (xacts, records, syncs int64, at time.Time, err error) {
		// Backends report their counters within the idle flush interval
		// (10 s): wait it out.
		time.Sleep(11 * time.Second)
		err = conn.QueryRow(ctx, `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
			(SELECT wal_records FROM pg_stat_wal), (SELECT wal_sync FROM pg_stat_wal)`).Scan(&xacts, &records, &syncs)
		return xacts, records, syncs, time.Now(), err
	}
	x0, r0, s0, t0, err := read()
	if err != nil {
		return err
	}
	for range stretch {
		if _, _, err := b.command(0); err != nil {
			return err
		}
	}
	x1, r1, s1, t1, err := read()
	if err != nil {
		return err
	}
	x2, _, _, t2, err := read()
	if err != nil {
		return err
	}
	idle := float64(x2-x1-1) / t2.Sub(t1).Seconds() // our own reading is one transaction
	n := float64(stretch)
	fmt.Printf("per command (%d alone): %.2f PostgreSQL transactions (%.2f net of the idle %.1f/s), %.1f WAL records, %.2f WAL syncs\n",
		stretch, float64(x1-x0-1)/n, (float64(x1-x0-1)-idle*t1.Sub(t0).Seconds())/n, idle,
		float64(r1-r0)/n, float64(s1-s0)/n)
	return nil
}

func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[int(q*float64(len(ds)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
