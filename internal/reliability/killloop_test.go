package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	ts "backoffice/domain/timesheet"
	"backoffice/internal/demo"
)

// Kill points: BACKOFFICE_KILL_SERVE and BACKOFFICE_KILL_POSTMASTER
// (make reliability: 50 and 16); the defaults keep make test short.
func killPoints(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// The garden centre's client user enters the hours of placements 07-10.
const clientEmail = "marieke@groeneblad.example.nl"

var placements = []string{"demo-placement-07", "demo-placement-08", "demo-placement-09", "demo-placement-10"}

// TestKillLoop is the kill -9 loop of issue 10 (see the package doc).
func TestKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill loop builds and runs the real binary; not in -short")
	}
	// Not parallel: each loop counts the supervisor's restarts against its
	// postmaster kills, and two loops at once on two cores stretch restarts
	// past the next kill (seen as "3 restarts for 5 postmaster kills").
	nServe, nPostmaster := killPoints("BACKOFFICE_KILL_SERVE", 5), killPoints("BACKOFFICE_KILL_POSTMASTER", 5)
	dir := t.TempDir()
	s := &serve{t: t, bin: build(t), dataDir: filepath.Join(dir, "data"), addr: freeAddr(t), logPath: filepath.Join(dir, "serve.log")}
	t.Cleanup(s.cleanup)
	s.start()

	c := &client{base: "http://" + s.addr, http: &http.Client{Timeout: 30 * time.Second}}
	c.login(t)
	week := ts.WeekOf(ts.DateOf(time.Now().In(ts.Location())))
	d := &driver{c: c, week: week}
	d.run(len(placements))

	started := time.Now()
	// Phase 1: kill -9 serve while requests are in flight; start it again.
	for k := 1; k <= nServe; k++ {
		d.waitProgress(t, 2*time.Minute)
		time.Sleep(time.Duration(100+rand.IntN(500)) * time.Millisecond)
		s.kill()
		s.start()
	}
	serveDone := time.Since(started)
	// Phase 2: kill -9 the postmaster; serve stays up and the supervisor
	// brings the database back by itself. Kills are spaced so the server
	// ran 5 s (pglaunch's stableAfter): a server that dies sooner is
	// treated as a crash loop and restarted with a growing back-off.
	var recoveries []time.Duration
	upSince := time.Now()
	for k := 1; k <= nPostmaster; k++ {
		d.waitProgress(t, 2*time.Minute)
		time.Sleep(time.Until(upSince.Add(5*time.Second)) + time.Duration(100+rand.IntN(500))*time.Millisecond)
		old := s.postmaster()
		if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
			t.Fatalf("kill postmaster %d: %v", old, err)
		}
		killed := time.Now()
		deadline := killed.Add(2 * time.Minute)
		for pid := old; pid == old || pid == 0; pid = s.postmaster() {
			if time.Now().After(deadline) {
				t.Fatalf("kill %d: the database did not come back by itself within 2 minutes\n%s", k, s.logTail())
			}
			if s.exitedEarly() {
				t.Fatalf("kill %d: serve exited when the postmaster died\n%s", k, s.logTail())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !d.progressed(2 * time.Minute) {
			t.Fatalf("kill %d: a new postmaster (pid %d) runs, but no command was acknowledged for 2 minutes; the last answers: %s\n%s",
				k, s.postmaster(), d.lastAnswers(), s.logTail())
		}
		recoveries = append(recoveries, time.Since(killed))
		upSince = time.Now() // the server is ready: it answers commands
	}
	d.stop()
	total := time.Since(started)

	// Everything was answered in the end: check the store and read models.
	ops := d.allOps()
	for _, o := range ops {
		if !o.acked {
			t.Errorf("%s was never acknowledged: %s", o.key, o.last)
		}
	}
	lost, dups, phantoms := checkEvents(t, s, week, ops)
	maxPos := d.maxPosition()
	before := readModels(t, c, week, maxPos)
	rmLost := checkReadModels(t, before, week, ops)

	// Read models against a rebuild from the first event.
	s.stop()
	rebuild := exec.Command(s.bin, "projections", "rebuild", "timesheets")
	rebuild.Env = s.env()
	if out, err := rebuild.CombinedOutput(); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	s.start()
	after := readModels(t, c, week, maxPos)
	divergences := 0
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			divergences++
			t.Errorf("read model %s differs from its rebuild:\nbefore %s\nafter  %s", name, b, after[name])
		}
	}
	s.stop()
	panics := s.count("panic:") + s.count("fatal error:")
	restarts := s.count("embedded postgres restarted")

	st := d.stats()
	t.Logf("kill -9 loop: %d serve kills (%s), %d postmaster kills, total %s", nServe, serveDone.Round(time.Second), nPostmaster, total.Round(time.Second))
	t.Logf("requests: %d commands acknowledged, %d needed retries; answers while down: %d connection errors, %d × 503 (%d without Retry-After), %d × 500, %d × 409 in progress; %d replayed answers",
		len(ops), st.retried, st.netErrors, st.unavailable, st.noRetryAfter, st.serverErrors, st.inProgress, st.replayed)
	t.Logf("postgres restarted by the supervisor %d times; time from postmaster kill to the next acknowledged command: %s", restarts, spread(recoveries))
	t.Logf("result: %d lost acknowledged writes (event store) + %d (read models), %d duplicates, %d unexpected events, %d divergences from a rebuild, %d panics",
		lost, rmLost, dups, phantoms, divergences, panics)
	if lost+rmLost+dups+phantoms+divergences+panics > 0 {
		t.Fatal("the kill loop found lost, duplicated or diverging writes or panics (see above)")
	}
	if restarts < nPostmaster {
		t.Fatalf("the supervisor logged %d restarts for %d postmaster kills", restarts, nPostmaster)
	}
	if st.serverErrors > 0 {
		t.Fatalf("%d answers were 500 while a component was down; an outage must answer 503:\n%s", st.serverErrors, s.failures(10))
	}
	if st.noRetryAfter > 0 {
		t.Fatalf("%d × 503 without Retry-After", st.noRetryAfter)
	}
}

func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	lo, hi, sum := ds[0], ds[0], time.Duration(0)
	for _, d := range ds {
		lo, hi, sum = min(lo, d), max(hi, d), sum+d
	}
	return fmt.Sprintf("min %s, mean %s, max %s", lo.Round(10*time.Millisecond), (sum / time.Duration(len(ds))).Round(10*time.Millisecond), hi.Round(10*time.Millisecond))
}

// TestMain removes the binary the kill loops share.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is the binary, compiled once for both kill loops (which run in
// parallel: each mostly waits for serve, its database and its kills).
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// build compiles the real binary, from BACKOFFICE_KILL_LOOP_SOURCE when
// set (another checkout, e.g. to see the loop fail on an older version),
// once per test binary; each kill loop runs it from its own data directory.
func build(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		src := os.Getenv("BACKOFFICE_KILL_LOOP_SOURCE")
		if src == "" {
			root, err := exec.Command("go", "env", "GOMOD").Output()
			if err != nil {
				built.err = err
				return
			}
			src = filepath.Dir(strings.TrimSpace(string(root)))
		}
		dir, err := os.MkdirTemp("", "killloop-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "backoffice")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/backoffice")
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// handedOut are the ports freeAddr gave: the parallel kill loops each
// restart serve on theirs, so neither may get the other's.
var handedOut sync.Map

func freeAddr(t *testing.T) string {
	t.Helper()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		if _, taken := handedOut.LoadOrStore(addr, true); !taken {
			return addr
		}
	}
}

// serve is the binary under test.
type serve struct {
	t                           *testing.T
	bin, dataDir, addr, logPath string
	extraEnv                    []string // more settings (the every-write loop's SMTP server)

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

func (s *serve) env() []string {
	env := append(os.Environ(), "BACKOFFICE_DATA_DIR="+s.dataDir, "BACKOFFICE_ADDR="+s.addr,
		"BACKOFFICE_DEMO=true", "BACKOFFICE_LOG_LEVEL=info")
	return append(env, s.extraEnv...)
}

// start runs serve and waits until it answers /healthz.
func (s *serve) start() {
	s.t.Helper()
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if res, err := http.Get("http://" + s.addr + "/healthz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			s.t.Fatalf("serve exited during start-up:\n%s", s.logTail())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("serve did not answer /healthz within 3 minutes:\n%s", s.logTail())
		}
	}
}

func (s *serve) exitedEarly() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// kill is kill -9 of serve (its postmaster lives on, orphaned).
func (s *serve) kill() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	_ = cmd.Process.Kill()
	<-exited
}

// stop is a graceful stop (SIGTERM): serve stops its database too.
func (s *serve) stop() {
	s.t.Helper()
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(2 * time.Minute):
		s.t.Fatalf("serve did not stop within 2 minutes:\n%s", s.logTail())
	}
}

// postmaster is the pid in postmaster.pid (0 while there is none).
func (s *serve) postmaster() int {
	b, err := os.ReadFile(filepath.Join(s.dataDir, "postgres", "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// cleanup stops whatever still runs when the test ends early.
func (s *serve) cleanup() {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
	if pid := s.postmaster(); pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGQUIT)
		for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (s *serve) log() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

func (s *serve) count(what string) int { return strings.Count(s.log(), what) }

// failures are the logged errors of up to n requests answered 500.
func (s *serve) failures(n int) string {
	lines := strings.Split(s.log(), "\n")
	ids := map[string]bool{}
	for _, l := range lines {
		if strings.Contains(l, "status=500") {
			if i := strings.Index(l, "request_id="); i >= 0 && len(ids) < n {
				ids[strings.Fields(l[i:])[0]] = true
			}
		}
	}
	var out []string
	for _, l := range lines {
		if i := strings.Index(l, "request_id="); i >= 0 && ids[strings.Fields(l[i:])[0]] && !strings.Contains(l, "msg=http ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func (s *serve) logTail() string {
	l := s.log()
	if len(l) > 6000 {
		l = l[len(l)-6000:]
	}
	return l
}

// client is an API user with a bearer token.
type client struct {
	base, token  string
	forwardedFor string // X-Forwarded-For, if set (the every-write loop)
	http         *http.Client
}

func (c *client) login(t *testing.T) { t.Helper(); c.loginAs(t, clientEmail, demo.Password) }

// loginAs opens a session for the account.
func (c *client) loginAs(t *testing.T, email, password string) {
	t.Helper()
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	res, err := c.http.Post(c.base+"/api/v1/session", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	c.token = s.Token
}

func (c *client) do(method, path, key, body string) (int, []byte, http.Header, error) {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, res.Header, err
}

// op is one command of the driver, retried with its key until answered.
type op struct {
	sheet    int
	kind     string // remark, expense, line
	key      string
	value    int // the remark's number, the expense's cents, the line's Monday minutes
	method   string
	path     string
	body     string
	acked    bool
	position string
	last     string // the last answer, for the report
}

// driver sends commands, one sheet per goroutine, each retried with its
// Idempotency-Key until it is answered.
type driver struct {
	c    *client
	week ts.ISOWeek

	stopping atomic.Bool
	wg       sync.WaitGroup
	acks     atomic.Int64

	mu  sync.Mutex
	ops []*op
	st  stats
}

type stats struct {
	retried, netErrors, unavailable, noRetryAfter, serverErrors, inProgress, replayed int
}

func (d *driver) run(sheets int) {
	for i := range sheets {
		d.wg.Go(func() { d.sheet(i) })
	}
}

func (d *driver) stop() {
	d.stopping.Store(true)
	d.wg.Wait()
}

func (d *driver) stats() stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st
}

func (d *driver) allOps() []*op {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*op(nil), d.ops...)
}

// progressed waits until one more command was acknowledged.
func (d *driver) progressed(limit time.Duration) bool {
	n := d.acks.Load()
	deadline := time.Now().Add(limit)
	for d.acks.Load() <= n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// waitProgress waits until one more command was acknowledged.
func (d *driver) waitProgress(t *testing.T, limit time.Duration) {
	t.Helper()
	n := d.acks.Load()
	deadline := time.Now().Add(limit)
	for d.acks.Load() <= n {
		if time.Now().After(deadline) {
			t.Fatalf("no command was acknowledged for %s; the last answers: %s", limit, d.lastAnswers())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lastAnswers is what each sheet's newest command got last.
func (d *driver) lastAnswers() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	newest := map[int]*op{}
	for _, o := range d.ops {
		newest[o.sheet] = o
	}
	var b strings.Builder
	for i := range placements {
		if o := newest[i]; o != nil {
			fmt.Fprintf(&b, "\n  %s %s: %.300s", o.key, o.kind, o.last)
		}
	}
	fmt.Fprintf(&b, "\n  stats %+v", d.st)
	return b.String()
}

func (d *driver) maxPosition() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	best, bestCommit, bestPrepare := "", uint64(0), uint64(0)
	for _, o := range d.ops {
		var c, p uint64
		if _, err := fmt.Sscanf(o.position, "%d-%d", &c, &p); err != nil {
			continue
		}
		if c > bestCommit || (c == bestCommit && p > bestPrepare) {
			best, bestCommit, bestPrepare = o.position, c, p
		}
	}
	return best
}

func sheetPath(p string, week ts.ISOWeek) string {
	return "/api/v1/timesheets/" + p + "/" + week.String()
}

func (d *driver) newOp(sheet, seq int) *op {
	p := placements[sheet]
	o := &op{sheet: sheet, key: fmt.Sprintf("kill-loop-%s-%d", p, seq)}
	base := sheetPath(p, d.week)
	kind := seq % 3
	if kind == 0 && seq/3 > ts.MaxRemarks-20 {
		kind = 1 // the sheet's remarks are capped: an expense instead
	}
	switch kind {
	case 0:
		o.kind, o.value, o.method, o.path = "remark", seq, "POST", base+"/remarks"
		o.body = fmt.Sprintf(`{"text":"opmerking %d"}`, seq)
	case 1:
		o.kind, o.value, o.method, o.path = "expense", 1000+seq, "POST", base+"/expenses"
		o.body = fmt.Sprintf(`{"type":"parking","date":%q,"amount_cents":%d}`, d.week.Start().String(), o.value)
	default:
		// Monday's minutes: distinct per command, so a re-run of an older
		// one would show.
		o.kind, o.value, o.method, o.path = "line", 1+seq%1400, "PUT", base+"/lines/100"
		o.body = fmt.Sprintf(`{"minutes":[%d,0,0,0,0,0,0]}`, o.value)
	}
	return o
}

func (d *driver) sheet(i int) {
	for seq := 1; !d.stopping.Load(); seq++ {
		o := d.newOp(i, seq)
		d.mu.Lock()
		d.ops = append(d.ops, o)
		d.mu.Unlock()
		d.send(o)
	}
}

// send retries o with its key until it is answered (or 10 minutes pass).
func (d *driver) send(o *op) {
	deadline := time.Now().Add(10 * time.Minute)
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		status, body, hdr, err := d.c.do(o.method, o.path, o.key, o.body)
		d.mu.Lock()
		if attempt == 1 {
			d.st.retried++
		}
		switch {
		case err != nil:
			d.st.netErrors++
			o.last = err.Error()
		case status == http.StatusOK || status == http.StatusCreated:
			var r struct {
				Position string `json:"position"`
			}
			_ = json.Unmarshal(body, &r)
			o.acked, o.position, o.last = true, r.Position, string(body)
			if hdr.Get("Idempotent-Replayed") == "true" {
				d.st.replayed++
			}
			d.mu.Unlock()
			d.acks.Add(1)
			return
		case status == http.StatusServiceUnavailable:
			d.st.unavailable++
			if hdr.Get("Retry-After") == "" {
				d.st.noRetryAfter++
			}
			o.last = string(body)
		case status >= 500:
			d.st.serverErrors++
			o.last = fmt.Sprintf("%d %s", status, body)
		case status == http.StatusConflict && bytes.Contains(body, []byte("idempotency_key_in_progress")):
			d.st.inProgress++
			o.last = string(body)
		default:
			// Any other refusal is a wrong answer to a valid command.
			o.last = fmt.Sprintf("%d %s", status, body)
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
}

// checkEvents reads the timesheets' streams straight from the event store
// and counts every command's events: an acknowledged one missing is lost,
// one stored twice a duplicate; an event no command asked for is
// unexpected.
func checkEvents(t *testing.T, s *serve, week ts.ISOWeek, ops []*op) (lost, dups, phantoms int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=5432 user=postgres dbname=backoffice", filepath.Join(s.dataDir, "postgres")))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type id struct {
		sheet int
		kind  string
		value int
	}
	stored := map[id]int{}
	lastLine := map[int]int{}
	for i, p := range placements {
		rows, err := conn.Query(ctx, `SELECT type, data FROM eventstore_events WHERE stream = $1 ORDER BY revision`, ts.StreamName(p, week))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var typ string
			var data []byte
			if err := rows.Scan(&typ, &data); err != nil {
				t.Fatal(err)
			}
			ev, err := ts.Events.Decode(typ, data)
			if err != nil {
				t.Fatal(err)
			}
			switch e := ev.(type) {
			case *ts.RemarkAdded:
				n, _ := strconv.Atoi(strings.TrimPrefix(e.Remark.Text, "opmerking "))
				stored[id{i, "remark", n}]++
			case *ts.ExpenseAdded:
				stored[id{i, "expense", int(e.Expense.AmountCents)}]++
			case *ts.LineSet:
				v := int(e.Line.Minutes[0])
				stored[id{i, "line", v}]++
				lastLine[i] = v
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Each acknowledged command wants its event once. Line values repeat
	// on a sheet after 1,400 commands, so a value may be wanted more than
	// once; never twice in a row, so the domain always records it.
	lastAcked := map[int]*op{}
	asked, want := map[id]bool{}, map[id]int{}
	for _, o := range ops {
		k := id{o.sheet, o.kind, o.value}
		asked[k] = true
		if o.acked {
			want[k]++
		}
		if o.kind == "line" && o.acked {
			lastAcked[o.sheet] = o
		}
	}
	for k, n := range want {
		switch got := stored[k]; {
		case got < n:
			lost += n - got
			t.Errorf("acknowledged %s %d on sheet %d: %d commands, %d events in the event store", k.kind, k.value, k.sheet, n, got)
		case got > n:
			dups += got - n
			t.Errorf("%s %d on sheet %d: %d commands, stored %d times", k.kind, k.value, k.sheet, n, got)
		}
	}
	for k := range stored {
		if !asked[k] {
			phantoms++
			t.Errorf("the event store holds %s %d on sheet %d that no command asked for", k.kind, k.value, k.sheet)
		}
	}
	for sheet, o := range lastAcked {
		if lastLine[sheet] != o.value {
			lost++
			t.Errorf("sheet %d: the line's last event says %d minutes, the last acknowledged command %d", sheet, lastLine[sheet], o.value)
		}
	}
	return lost, dups, phantoms
}

// readModels fetches what the read models answer once they passed pos:
// every sheet's detail and the list, as canonical JSON.
func readModels(t *testing.T, c *client, week ts.ISOWeek, pos string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	paths := []string{"/api/v1/timesheets?week=" + week.String()}
	for _, p := range placements {
		paths = append(paths, sheetPath(p, week))
	}
	for _, path := range paths {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		var status int
		var body []byte
		var err error
		for range 100 {
			status, body, _, err = c.do("GET", path+sep+"min_position="+pos, "", "")
			if err == nil && status == http.StatusOK {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil || status != http.StatusOK {
			t.Fatalf("GET %s: %d %v %s", path, status, err, body)
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		canon, _ := json.Marshal(v)
		out[path] = canon
	}
	return out
}

// checkReadModels counts acknowledged commands the detail screens miss or
// show twice.
func checkReadModels(t *testing.T, rm map[string][]byte, week ts.ISOWeek, ops []*op) (lost int) {
	t.Helper()
	type detail struct {
		Lines []struct {
			HourType string `json:"hour_type"`
			Minutes  [7]int `json:"minutes"`
		} `json:"lines"`
		Expenses []struct {
			AmountCents int `json:"amount_cents"`
		} `json:"expenses"`
		Remarks []struct {
			Text string `json:"text"`
		} `json:"remarks"`
	}
	for i, p := range placements {
		var d detail
		if err := json.Unmarshal(rm[sheetPath(p, week)], &d); err != nil {
			t.Fatal(err)
		}
		remarks, expenses := map[int]int{}, map[int]int{}
		for _, r := range d.Remarks {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.Text, "opmerking "))
			remarks[n]++
		}
		for _, e := range d.Expenses {
			expenses[e.AmountCents]++
		}
		var lastLine *op
		for _, o := range ops {
			if o.sheet != i || !o.acked {
				continue
			}
			switch {
			case o.kind == "remark" && remarks[o.value] != 1:
				lost++
				t.Errorf("the read model shows remark %s %d times", o.key, remarks[o.value])
			case o.kind == "expense" && expenses[o.value] != 1:
				lost++
				t.Errorf("the read model shows expense %s %d times", o.key, expenses[o.value])
			case o.kind == "line":
				lastLine = o
			}
		}
		if lastLine != nil {
			got := -1
			for _, l := range d.Lines {
				if l.HourType == "100" {
					got = l.Minutes[0]
				}
			}
			if got != lastLine.value {
				lost++
				t.Errorf("sheet %s: the read model shows %d minutes, the last acknowledged command %d", p, got, lastLine.value)
			}
		}
	}
	return lost
}
