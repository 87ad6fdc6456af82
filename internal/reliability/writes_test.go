package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
	"backoffice/internal/demo"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/sms/smstest"
)

// TestKillLoopEveryWrite is the kill -9 loop over every kind of write the
// product has besides the timesheet commands (TestKillLoop has those):
// registering clients and workers (vault + events + account), activation,
// password reset, integration tokens, uploads, signature requests, the TAN
// (sign_tan_records) and its text message (sms_deliveries), the mails, signing, ending a placement, the mail
// queue. One driver runs rounds of these through the real binary's JSON API
// with real sessions, each request under an Idempotency-Key (activation and
// reset: their link) and retried with it until answered. Each kill aims at
// one kind of write in turn (killKinds): the driver sends that request and
// serve is killed a seeded 0-60 ms later, while it runs; every third kill
// takes the postmaster down too. Then a projection rebuild and an audit
// replay are each killed mid-way. Afterwards the invariants of
// docs/reliability.md ("Every kind of write") are checked.
//
// make test aims one kill at each of shortKillKinds and rebuilds only the
// projector whose rebuild it killed; BACKOFFICE_KILL_WRITES=N (make
// reliability: 48, three per kind) aims N kills at killKinds in turn (or
// at BACKOFFICE_KILL_KINDS, a comma-separated few of them), rebuilds every
// projector and kills an audit replay too.
// BACKOFFICE_KILL_SEED changes the seed.
func TestKillLoopEveryWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill loop builds and runs the real binary; not in -short")
	}
	// Not parallel: each loop counts the supervisor's restarts against its
	// postmaster kills, and two loops at once on two cores stretch restarts
	// past the next kill (seen as "3 restarts for 5 postmaster kills").
	// make test: one kill at each of the writes of two or more parts; the
	// full run cycles through every kind and rebuilds every projector.
	nKills := killPoints("BACKOFFICE_KILL_WRITES", 0)
	kinds, full := killKinds, nKills > 0
	if !full {
		kinds, nKills = shortKillKinds, len(shortKillKinds)
	}
	if only := os.Getenv("BACKOFFICE_KILL_KINDS"); only != "" && full {
		// Aim at these kinds only (comma-separated names of killKinds).
		kinds = strings.Split(only, ",")
		for _, k := range kinds {
			if !slices.Contains(killKinds, k) {
				t.Fatalf("BACKOFFICE_KILL_KINDS: %q is none of %q", k, killKinds)
			}
		}
	}
	seed := uint64(killPoints("BACKOFFICE_KILL_SEED", 20261205))
	rng := rand.New(rand.NewPCG(seed, seed))

	smtp, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = smtp.Close() })
	sms := smstest.NewSpryng(t) // the TAN goes by SMS (sms_deliveries)
	dir := t.TempDir()
	s := &serve{t: t, bin: build(t), dataDir: filepath.Join(dir, "data"), addr: freeAddr(t), logPath: filepath.Join(dir, "serve.log"),
		extraEnv: []string{"BACKOFFICE_SMTP_URL=" + smtp.URL(), "BACKOFFICE_SMS_URL=" + sms.URL, "BACKOFFICE_SMS_TOKEN=" + sms.Token,
			"BACKOFFICE_TRUSTED_PROXIES=127.0.0.1"}}
	t.Cleanup(s.cleanup)
	s.start()

	base := "http://" + s.addr
	hc := &http.Client{Timeout: 30 * time.Second}
	bo := &client{base: base, http: hc}
	bo.loginAs(t, demo.BackofficeMail, demo.Password)
	cl := &client{base: base, http: hc}
	cl.login(t)
	w := &writer{bo: bo, cl: cl, smtp: smtp, sms: sms, pub: &client{base: base, http: hc},
		kills: make(chan time.Duration), killed: make(chan struct{}), rng: rand.New(rand.NewPCG(seed, seed+1))}
	w.db = fmt.Sprintf("host=%s port=5432 user=postgres dbname=backoffice", filepath.Join(s.dataDir, "postgres"))
	w.week = ts.WeekOf(ts.DateOf(time.Now().In(ts.Location())))
	w.prepare(t)
	// The demo's own signature requests issue their TANs: wait until the
	// sign mailer has recorded them (an empty queue alone may only mean it
	// has not read the requests yet, and a record appended after the count
	// below looked like a doubled write).
	waitForDemoTANs(t, s)
	drainQueues(t, s, true)
	before := countEvents(t, s)

	var rounds atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for r := 1; ; r++ {
			if !w.round(r) {
				return
			}
			rounds.Store(int64(r))
			if w.stopping.Load() {
				return
			}
		}
	}()
	started := time.Now()
	both, killedKinds := 0, map[string]int{}
	for k := 0; k < nKills && !w.failed(); k++ {
		kind := kinds[k%len(kinds)]
		w.target.Store(&kind)
		var after time.Duration
		select {
		case after = <-w.kills: // the driver sends that kind's request now
		case <-done:
			t.Fatalf("the driver stopped: %s\n%s", w.failure(), s.logTail())
		}
		if after < 0 {
			continue // a kind no round makes any more (the payroll weeks are used up)
		}
		time.Sleep(after)
		pm := s.postmaster()
		s.kill()
		if k%3 == 2 && pm > 0 {
			_ = syscall.Kill(pm, syscall.SIGKILL)
			both++
		}
		killedKinds[kind]++
		w.killed <- struct{}{}
		s.start()
	}
	// The round in flight finishes with no kill.
	w.target.Store(nil)
	w.stopping.Store(true)
	<-done
	if f := w.failure(); f != "" {
		t.Fatalf("the driver stopped: %s\n%s", f, s.logTail())
	}
	loopTime := time.Since(started)
	phase := time.Now()
	phases := func(name string) {
		t.Logf("%s: %s", name, time.Since(phase).Round(100*time.Millisecond))
		phase = time.Now()
	}

	// The queues drain: no mail and no TAN record left pending (the short
	// run: none failed, and each is due within a lease, which a mail the
	// killed serve was sending holds for SendTimeout + 30 s).
	drainQueues(t, s, full)
	// Every answered request is visible, and answered the same again.
	visible := w.checkVisible(t)
	replays := w.checkReplays(t)
	// Nothing doubled, nothing half done, nothing orphaned.
	after := countEvents(t, s)
	doubled := w.checkCounts(t, before, after)
	orphans := checkOrphans(t, s)
	dupMails := w.duplicateMails()
	phases("checks")
	s.stop()
	verify(t, s)
	names, head := projectorNames(t, s)
	s.start()
	lists := w.readModels(t, head)
	s.stop()

	// A rebuild killed mid-way: serve resumes the projector from where the
	// rebuild got to, and the screens show what they showed before.
	divergences := 0
	compare := func(stage string) {
		got := w.readModels(t, head)
		for path, b := range lists {
			if !bytes.Equal(b, got[path]) {
				divergences++
				t.Errorf("%s: read model %s differs:\nbefore %s\nafter  %s", stage, path, b, got[path])
			}
		}
	}
	victim := names[rng.IntN(len(names))]
	midway := killMidway(t, s, rng, "events (", victim+" rebuilt", "projections", "rebuild", victim)
	s.start()
	compare(fmt.Sprintf("serve after a rebuild of %s killed (mid-way: %v)", victim, midway))
	s.stop()
	phases("rebuild killed mid-way")
	// Every read model (the short run: the killed one) against its rebuild
	// from the first event.
	if !full {
		names = []string{victim}
	}
	for _, name := range names {
		run(t, s, "projections", "rebuild", name)
	}
	s.start()
	compare("after rebuilding every projector")
	s.stop()
	phases(fmt.Sprintf("%d rebuilds", len(names)))
	// An audit replay killed mid-way: the next one clears its leftovers.
	if full {
		asOf := time.Now().UTC().Format(time.RFC3339)
		killMidway(t, s, rng, "events (", "holds the read models", "audit", "replay", "--as-of", asOf, "--schema", "kill_replay")
		if out := run(t, s, "audit", "replay", "--as-of", asOf, "--schema", "kill_replay"); !strings.Contains(out, "schema kill_replay holds") {
			t.Errorf("audit replay after a killed one: %s", out)
		}
		// As of now (no write since) the replay holds what the live read
		// models hold.
		s.start()
		divergences += replayDiffers(t, s, "kill_replay")
		s.stop()
		verify(t, s)
		phases("audit replay")
	}
	panics := s.count("panic:") + s.count("fatal error:")

	st := w.stats()
	t.Logf("every-write kill loop (seed %d): %d serve kills (%d with the postmaster) aimed at %v; %d rounds in %s; %d requests answered, %d needed retries (%d connection errors, %d × 503, %d × 409 in progress, %d × 500); %d unanswered client registrations given up",
		seed, nKills, both, killedKinds, rounds.Load(), loopTime.Round(time.Second), st.answered, st.retried, st.netErrors, st.unavailable, st.inProgress, st.serverErrors, st.abandoned)
	t.Logf("link requests left by a killed serve and mailed by the next one: %d", s.count("finished stored link requests"))
	t.Logf("result: %d answered writes not visible, %d replays that answered differently, %d doubled or half-done writes, %d orphans, %d divergences from a rebuild, %d panics; %d mails or text messages delivered twice (at-least-once)",
		visible, replays, doubled, orphans, divergences, panics, dupMails)
	if visible+replays+doubled+orphans+divergences+panics > 0 {
		t.Fatal("the every-write kill loop found lost, doubled, half-done or diverging writes (see above)")
	}
	if st.serverErrors > 0 {
		t.Fatalf("%d answers were 500:\n%s", st.serverErrors, s.failures(10))
	}
}

// shortKillKinds are make test's: the writes of more than one part (vault,
// events and account; token row and event; file and event; TAN record,
// event and text message), and the client registration whose unanswered
// attempt is given up.
var shortKillKinds = []string{"client", "worker", "token", "upload", "signature request"}

// killKinds are the writes the kills aim at, in turn. "... answered" kills
// serve just after that answer, while the reactors, the TAN record queue
// and the mail queue work on what it started.
var killKinds = []string{"export", "confirm", "reopen", "client", "worker", "worker answered", "activation", "reset request",
	"reset request answered", "password reset", "token", "upload", "signature request", "signature request answered", "sign", "end"}

// write is one request of the driver and what it was answered.
type write struct {
	kind, key, method, path, ctype string
	actor                          *client
	body                           []byte
	status                         int
	answer                         []byte
}

type writeStats struct {
	answered, retried, netErrors, unavailable, inProgress, serverErrors int
	abandoned                                                           int // client registrations that got no answer and were given up
}

// writer drives the rounds. Its failures end the run (they are reported
// by the test goroutine).
type writer struct {
	bo, cl, pub *client
	smtp        *mailtest.Server
	sms         *smstest.Spryng

	intermediaryID, signerAccountID string
	db                              string     // the embedded database's connection string
	week                            ts.ISOWeek // the current week

	// The kill aimed at a kind: the driver takes the target, asks for the
	// kill (after a delay) as it sends that request, and waits for it.
	target atomic.Pointer[string]
	kills  chan time.Duration
	killed chan struct{}
	rng    *rand.Rand

	stopping atomic.Bool
	mu       sync.Mutex
	writes   []*write
	rounds   []*round
	st       writeStats
	fail     string
}

// round is what one round made.
type round struct {
	n                                     int
	clientID, workerID, placementID       string
	workerEmail, password, documentID, tk string
	end, reopened                         string
	imported                              int // timesheets the confirmed export marked imported
}

func (w *writer) failed() bool { return w.failure() != "" }

func (w *writer) failure() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fail
}

func (w *writer) stats() writeStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.st
}

func (w *writer) setFailure(format string, args ...any) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail == "" {
		w.fail = fmt.Sprintf(format, args...)
	}
	return false
}

func (w *writer) prepare(t *testing.T) {
	t.Helper()
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	// The read models may still be catching up with the demo's events.
	for deadline := time.Now().Add(time.Minute); len(list.Items) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the demo has no intermediary")
		}
		getJSON(t, w.bo, "/api/v1/intermediaries", &list)
	}
	w.intermediaryID = list.Items[0].ID
	var me map[string]any
	getJSON(t, w.cl, "/api/v1/me", &me)
	for _, k := range []string{"account_id", "id"} {
		if v, ok := me[k].(string); ok && v != "" {
			w.signerAccountID = v
			break
		}
	}
	if w.signerAccountID == "" {
		t.Fatalf("GET /me names no account: %v", me)
	}
}

func getJSON(t *testing.T, c *client, path string, v any) {
	t.Helper()
	status, body, _, err := c.do("GET", path, "", "")
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", path, status, err, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// send runs a request until it is answered: a connection error, a 503,
// a 5xx or 409 idempotency_key_in_progress is retried with the same key.
func (w *writer) send(x *write) bool {
	w.aim(x.kind, true)
	deadline := time.Now().Add(3 * time.Minute)
	for attempt := 0; time.Now().Before(deadline) && !w.failed(); attempt++ {
		status, body, err := x.actor.raw(x.method, x.path, x.key, x.ctype, x.body)
		w.mu.Lock()
		if attempt == 1 {
			w.st.retried++
		}
		switch {
		case err != nil:
			w.st.netErrors++
		case status == http.StatusServiceUnavailable:
			w.st.unavailable++
		case status >= 500:
			w.st.serverErrors++
		case status == http.StatusConflict && bytes.Contains(body, []byte("idempotency_key_in_progress")):
			w.st.inProgress++
		default:
			x.status, x.answer = status, body
			w.st.answered++
			w.writes = append(w.writes, x)
			w.mu.Unlock()
			w.aim(x.kind+" answered", false)
			return true
		}
		w.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	return w.setFailure("%s %s (key %s) was not answered within 3 minutes", x.method, x.path, x.key)
}

// aim asks for the kill when it targets kind: during the request (a
// seeded 0-60 ms after it is sent), or at once after its answer.
func (w *writer) aim(kind string, during bool) {
	if p := w.target.Load(); p == nil || *p != kind || !w.target.CompareAndSwap(p, nil) {
		return
	}
	var after time.Duration
	if during {
		after = time.Duration(w.rng.IntN(60)) * time.Millisecond
	}
	w.kills <- after
	if !during {
		<-w.killed
		return
	}
	go func() { <-w.killed }()
}

// noMore tells the killer that a kill aimed at one of these kinds will not
// come: no later round makes them.
func (w *writer) noMore(kinds ...string) {
	p := w.target.Load()
	if p == nil || !slices.Contains(kinds, *p) || !w.target.CompareAndSwap(p, nil) {
		return
	}
	w.kills <- -1
}

// post sends a JSON command and wants one of the statuses; it decodes the
// answer into out.
func (w *writer) post(kind string, actor *client, path, key string, body any, out any, want ...int) bool {
	b, _ := json.Marshal(body)
	x := &write{kind: kind, key: key, method: "POST", path: path, ctype: "application/json", actor: actor, body: b}
	if !w.send(x) {
		return false
	}
	for _, s := range want {
		if x.status == s {
			if out != nil {
				_ = json.Unmarshal(x.answer, out)
			}
			return true
		}
	}
	return w.setFailure("%s %s (key %s) answered %d %s", x.method, x.path, key, x.status, x.answer)
}

// mail waits for a mail to addr that matches and returns the newest such.
func (w *writer) mail(addr string, match func(mailtest.Received) bool) (mailtest.Received, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	m, err := w.smtp.WaitFor(ctx, func(m mailtest.Received) bool { return mailtest.To(addr)(m) && match(m) })
	if err != nil {
		return m, w.setFailure("no mail to %s: %v", addr, err)
	}
	for _, n := range w.smtp.Messages() {
		if mailtest.To(addr)(n) && match(n) {
			m = n
		}
	}
	return m, true
}

var (
	activationLink = regexp.MustCompile(`/activeren\?token=([A-Za-z0-9_%-]+)`)
	resetLink      = regexp.MustCompile(`/wachtwoord-herstellen\?token=([A-Za-z0-9_%-]+)`)
	tanInSMS       = regexp.MustCompile(`(?:TAN-code|TAN code) .* is ([A-Z]{4})`)
)

// linkPost uses the token of the newest link mail; a link superseded by a
// newer mail meanwhile (token_invalid) is tried again with the newest.
func (w *writer) linkPost(kind, addr string, link *regexp.Regexp, path, password string) bool {
	pub := w.public(addr)
	for range 5 {
		m, ok := w.mail(addr, func(m mailtest.Received) bool { return link.MatchString(m.Text) })
		if !ok {
			return false
		}
		tok := link.FindStringSubmatch(m.Text)[1]
		x := &write{kind: kind, method: "POST", path: path, ctype: "application/json", actor: pub,
			body: fmt.Appendf(nil, `{"token":%q,"password":%q}`, tok, password)}
		if !w.send(x) {
			return false
		}
		if x.status == http.StatusOK {
			return true
		}
		time.Sleep(time.Second)
	}
	return w.setFailure("%s for %s: no link in the mails worked", kind, addr)
}

// clientBody registers client n with the contact's address.
func (w *writer) clientBody(n int, contact string) map[string]any {
	return map[string]any{
		"intermediary_id": w.intermediaryID, "name": fmt.Sprintf("Kwekerij %d", n), "kvk": "87654321",
		"address":        map[string]any{"street": "Dorpsstraat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"},
		"contact":        map[string]any{"name": "Kees Bakker", "email": contact, "mobile": "06-12345678"},
		"agreement_from": "2025-01-06",
		"agreement": map[string]any{
			"hour_types":       []map[string]any{{"code": "100", "name": "Normale uren", "percentage": 100}},
			"normal_hour_type": "100", "entered_by": "worker", "approval_chain": []string{"client", "intermediary"},
			"time_registration": false, "allowances": map[string]any{"per_day_cents": 0, "per_hour_cents": 0},
		},
	}
}

// unanswered sends the request once when a kill is aimed at its kind; it
// reports whether that attempt got no answer (and is given up). Otherwise
// it sends nothing and reports false.
func (w *writer) unanswered(kind string, actor *client, path, key string, body any) bool {
	if p := w.target.Load(); p == nil || *p != kind {
		return false
	}
	b, _ := json.Marshal(body)
	w.aim(kind, true)
	if _, _, err := actor.raw("POST", path, key, "application/json", b); err == nil {
		return false // answered before the kill: the request below replays it
	}
	w.mu.Lock()
	w.st.abandoned++
	w.mu.Unlock()
	return true
}

// payroll exports and confirms the bakery's week demo.PayrollWeeksBack[n-1]
// and reopens one of its timesheets.
func (w *writer) payroll(r *round, n int, key func(string) string) bool {
	week := w.week
	for range demo.PayrollWeeksBack[n-1] {
		week = week.Prev()
	}
	var exp struct {
		Batches []struct {
			BatchID string `json:"batch_id"`
		} `json:"batches"`
	}
	if !w.post("export", w.bo, "/api/v1/payroll/exports", key("export"), map[string]string{"client_id": demo.ClientBakery, "period": week.String()},
		&exp, http.StatusCreated) {
		return false
	}
	if len(exp.Batches) != 1 {
		return w.setFailure("export of %s: %d batches", week, len(exp.Batches))
	}
	var conf struct {
		Marked int `json:"marked"`
	}
	if !w.post("confirm", w.bo, "/api/v1/payroll/exports/"+exp.Batches[0].BatchID+"/confirm", key("confirm"), struct{}{}, &conf, http.StatusOK) {
		return false
	}
	r.imported = conf.Marked
	stream := ""
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, w.db)
	if err == nil {
		err = conn.QueryRow(ctx, `SELECT min(stream) FROM eventstore_events WHERE type = 'timesheet.imported' AND stream LIKE '%-' || $1`,
			week.Compact()).Scan(&stream)
		_ = conn.Close(ctx)
	}
	m := regexp.MustCompile(`^timesheet-(.+)-\d{4}W\d{2}$`).FindStringSubmatch(stream)
	if err != nil || m == nil {
		return w.setFailure("no imported timesheet of %s (%q): %v", week, stream, err)
	}
	r.reopened = m[1] + "/" + week.String()
	return w.post("reopen", w.bo, "/api/v1/payroll/timesheets/"+r.reopened+"/reopen", key("reopen"),
		map[string]string{"reason": fmt.Sprintf("correctie %d", n)}, nil, http.StatusOK)
}

// public is an anonymous client for the account's link and login requests,
// from an address of its own (X-Forwarded-For; serve trusts 127.0.0.1 as
// its proxy): the per-source limits (20 link requests an hour) are meant
// for one user, not for every round of the loop.
func (w *writer) public(email string) *client {
	n := 0
	for _, c := range email {
		n = (n*31 + int(c)) % 65000
	}
	return &client{base: w.pub.base, http: w.pub.http, forwardedFor: fmt.Sprintf("10.%d.%d.1", n/250, n%250)}
}

// requestReset asks for a reset link and wants its mail queued. The 202
// comes before the link is issued (in the background, so the answer's
// timing does not tell whether the address exists) but after the request
// is stored: a kill in between leaves it to the next serve, which mails it
// at start-up. A 202 without a mail is a lost write.
func (w *writer) requestReset(email string) bool {
	before, ok := w.queuedResets(email)
	if !ok || !w.post("reset request", w.public(email), "/api/v1/password-reset", "", map[string]string{"email": email}, nil, http.StatusAccepted) {
		return false
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if n, ok := w.queuedResets(email); !ok {
			return false
		} else if n > before {
			return true
		}
	}
	return w.setFailure("the reset request for %s was answered 202 and no mail was queued within 2 minutes: lost", email)
}

// queuedResets counts the reset mails queued for the address.
func (w *writer) queuedResets(email string) (int, bool) {
	for start := time.Now(); time.Since(start) < 3*time.Minute; time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, err := pgx.Connect(ctx, w.db)
		if err == nil {
			var n int
			err = conn.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE recipient = $1 AND kind = 'password_reset'`, email).Scan(&n)
			_ = conn.Close(ctx)
			cancel()
			if err == nil {
				return n, true
			}
		}
		cancel()
	}
	return 0, w.setFailure("cannot count the reset mails of %s", email)
}

// round runs one round of every kind of write; false ends the driver.
func (w *writer) round(n int) bool {
	r := &round{n: n, workerEmail: fmt.Sprintf("werker-%d@kill.example.test", n), password: fmt.Sprintf("kill-wachtwoord-%d", n)}
	key := func(step string) string { return fmt.Sprintf("every-write-%d-%s", n, step) }
	today := time.Now().Format(time.DateOnly)

	// The bakery's approved weeks (demo.PayrollWeeksBack, one per round
	// while they last): exported, confirmed as imported, and one of its
	// timesheets reopened for a correction. First in the round and in
	// killKinds, so that the first kills aimed at them find them.
	if n <= len(demo.PayrollWeeksBack) && !w.payroll(r, n, key) {
		return false
	}
	if n >= len(demo.PayrollWeeksBack) {
		w.noMore("export", "confirm", "reopen")
	}

	var reg struct {
		ID          string `json:"id"`
		ClientID    string `json:"client_id"`
		WorkerID    string `json:"worker_id"`
		PlacementID string `json:"placement_id"`
	}
	// A client registration whose first attempt got no answer (the kill)
	// is given up: the caller never retries it, so it happened once or
	// not at all (checkCounts), and a registration under a new key follows.
	clientKey, contact := key("client"), fmt.Sprintf("kweker-%d@kill.example.test", n)
	if x := w.unanswered("client", w.bo, "/api/v1/clients", clientKey, w.clientBody(n, contact)); x {
		clientKey, contact = key("client-again"), fmt.Sprintf("kweker-%d-b@kill.example.test", n)
	}
	if w.failed() || !w.post("client", w.bo, "/api/v1/clients", clientKey, w.clientBody(n, contact), &reg, http.StatusCreated) {
		return false
	}
	r.clientID = reg.ClientID
	if r.clientID == "" {
		r.clientID = reg.ID
	}
	reg.ID = ""
	if !w.post("worker", w.cl, "/api/v1/workers", key("worker"), map[string]any{
		"name":  map[string]any{"first": "Jan", "last": fmt.Sprintf("Kill%d", n)},
		"email": r.workerEmail, "function": "Kweker", "bsn": bsnFor(n), "iban": "NL91ABNA0417164300",
		"date_of_birth": "1990-05-17", "mobile": "0687654321", "start": today,
		"address": map[string]any{"street": "Kerkstraat", "house_number": "12", "postal_code": "3511 AB", "city": "Utrecht"},
	}, &reg, http.StatusCreated) {
		return false
	}
	r.workerID, r.placementID = reg.WorkerID, reg.PlacementID
	w.mu.Lock()
	w.rounds = append(w.rounds, r)
	w.mu.Unlock()

	// The worker's activation (the link is the key), then a password reset.
	if !w.linkPost("activation", r.workerEmail, activationLink, "/api/v1/activation", r.password+"-eerst") {
		return false
	}
	if !w.requestReset(r.workerEmail) {
		return false
	}
	if !w.linkPost("password reset", r.workerEmail, resetLink, "/api/v1/password-reset/complete", r.password) {
		return false
	}

	// An integration token: a retry after a lost answer is 409
	// secret_not_replayable (the secret is shown once), never a second one.
	r.tk = fmt.Sprintf("kill-token-%d", n)
	if !w.post("token", w.bo, "/api/v1/tokens", key("token"), map[string]string{"role": "auditor", "label": r.tk}, nil,
		http.StatusCreated, http.StatusConflict) {
		return false
	}

	// An upload, a signature request (TAN record, mail) and the signature.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("title", fmt.Sprintf("Contract %d", n))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="contract-%d.txt"`, n))
	h.Set("Content-Type", "text/plain")
	fw, _ := mw.CreatePart(h)
	fmt.Fprintf(fw, "Overeenkomst %d tussen partijen.\n", n)
	_ = mw.Close()
	up := &write{kind: "upload", key: key("upload"), method: "POST", path: "/api/v1/documents", ctype: mw.FormDataContentType(), actor: w.cl, body: body.Bytes()}
	if !w.send(up) {
		return false
	}
	var doc struct {
		ID string `json:"id"`
	}
	if up.status != http.StatusCreated || json.Unmarshal(up.answer, &doc) != nil || doc.ID == "" {
		return w.setFailure("upload answered %d %s", up.status, up.answer)
	}
	r.documentID = doc.ID
	smsBefore := len(w.sms.Requests())
	if !w.post("signature request", w.bo, "/api/v1/documents/"+doc.ID+"/signature-requests", key("ask"),
		map[string]string{"signer_account_id": w.signerAccountID}, nil, http.StatusCreated) {
		return false
	}
	if !w.sign(doc.ID, key("sign"), smsBefore) {
		return false
	}

	// Ending the placement (its last day two weeks ahead).
	r.end = time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	return w.post("end", w.bo, "/api/v1/placements/"+r.placementID+"/end", key("end"), map[string]string{"end": r.end}, nil, http.StatusOK)
}

// sign signs with the TAN of the newest text message since the request;
// a TAN of an older request's message (one sent again late) is refused as
// tan_wrong, and the next message is tried.
func (w *writer) sign(docID, key string, smsBefore int) bool {
	deadline := time.Now().Add(3 * time.Minute)
	for attempt := 0; time.Now().Before(deadline) && !w.failed(); attempt++ {
		tan := ""
		for _, r := range w.sms.Requests()[smsBefore:] {
			if m := tanInSMS.FindStringSubmatch(r.Body); m != nil && r.Status == http.StatusOK {
				tan = m[1]
			}
		}
		if tan == "" {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		b, _ := json.Marshal(map[string]any{"tan": tan, "read": true})
		x := &write{kind: "sign", key: fmt.Sprintf("%s-%d", key, attempt), method: "POST", path: "/api/v1/documents/" + docID + "/sign",
			ctype: "application/json", actor: w.cl, body: b}
		if !w.send(x) {
			return false
		}
		switch {
		case x.status == http.StatusOK:
			return true
		case x.status == http.StatusBadRequest && bytes.Contains(x.answer, []byte("tan_wrong")):
			w.mu.Lock()
			w.writes = w.writes[:len(w.writes)-1] // refused: nothing to replay
			w.mu.Unlock()
			time.Sleep(time.Second)
		default:
			return w.setFailure("sign %s answered %d %s", docID, x.status, x.answer)
		}
	}
	return w.setFailure("sign %s: no TAN in the text messages worked", docID)
}

// bsnFor is a valid BSN of its own per round.
func bsnFor(n int) string {
	for v := 300000000 + n*100; ; v++ {
		if s := fmt.Sprintf("%09d", v); validate.BSN(s) == nil {
			return s
		}
	}
}

func (c *client) raw(method, path, key, ctype string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", c.forwardedFor)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}
