package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The checks of TestKillLoopEveryWrite (docs/reliability.md, "Every other
// kind of write") and the subcommands it runs and kills.

// checkVisible: every round's writes show on the screens' read models.
func (w *writer) checkVisible(t *testing.T) (missing int) {
	t.Helper()
	get := func(c *client, path string) map[string]any {
		var v map[string]any
		for range 100 {
			status, body, _, err := c.do("GET", path, "", "")
			if err == nil && status == http.StatusOK && json.Unmarshal(body, &v) == nil {
				return v
			}
			time.Sleep(100 * time.Millisecond)
		}
		missing++
		t.Errorf("GET %s: not found", path)
		return nil
	}
	// Every round's token is live: one whose token.created was appended
	// but whose activation a kill cut off is finished by the retry (201),
	// not left recorded and dead behind a 409 secret_not_replayable.
	live := map[string]bool{}
	if v := get(w.bo, "/api/v1/tokens"); v != nil {
		items, _ := v["items"].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok && m["revoked_at"] == nil {
				live[fmt.Sprint(m["label"])] = true
			}
		}
	}
	for _, r := range w.rounds {
		if r.tk != "" && !live[r.tk] {
			missing++
			t.Errorf("token %s: not live after its acknowledged creation", r.tk)
		}
		get(w.bo, "/api/v1/clients/"+r.clientID)
		get(w.bo, "/api/v1/workers/"+r.workerID)
		if p := get(w.bo, "/api/v1/placements/"+r.placementID); p != nil && fmt.Sprint(p["end"]) != r.end {
			missing++
			t.Errorf("placement %s: end %v, ended on %s", r.placementID, p["end"], r.end)
		}
		if r.documentID != "" {
			if d := get(w.bo, "/api/v1/documents/"+r.documentID); d != nil && d["signature"] != "signed" {
				missing++
				t.Errorf("document %s: signature %v after the acknowledged signature", r.documentID, d["signature"])
			}
		}
		if r.reopened != "" {
			if ts := get(w.bo, "/api/v1/timesheets/"+r.reopened); ts != nil && ts["status"] != "rejected" {
				missing++
				t.Errorf("timesheet %s: status %v after the acknowledged reopen", r.reopened, ts["status"])
			}
		}
		// The reset password is the one that logs in.
		if status, body, err := w.public(r.workerEmail).raw("POST", "/api/v1/session", "", "application/json",
			fmt.Appendf(nil, `{"email":%q,"password":%q}`, r.workerEmail, r.password)); err != nil || status != http.StatusCreated {
			missing++
			t.Errorf("login of %s with the reset password: %d %v %s", r.workerEmail, status, err, body)
		}
	}
	return missing
}

// checkReplays sends every keyed write again with its key: the answer must
// be the first one (a token's secret cannot be told again: 409
// secret_not_replayable is the documented answer).
func (w *writer) checkReplays(t *testing.T) (differ int) {
	t.Helper()
	for _, x := range w.writes {
		if x.key == "" {
			continue
		}
		status, body, err := x.actor.raw(x.method, x.path, x.key, x.ctype, x.body)
		if err != nil {
			t.Fatal(err)
		}
		same := status == x.status && bytes.Equal(body, x.answer)
		if x.kind == "token" && status == http.StatusConflict && bytes.Contains(body, []byte("secret_not_replayable")) {
			same = true
		}
		if !same {
			differ++
			t.Errorf("%s %s (key %s) again: %d %s\nfirst answer %d %s", x.method, x.path, x.key, status, body, x.status, x.answer)
		}
	}
	return differ
}

// countEvents counts the event store's events by type.
func countEvents(t *testing.T, s *serve) map[string]int {
	t.Helper()
	out := map[string]int{}
	dbQuery(t, s, `SELECT type, count(*) FROM eventstore_events GROUP BY type`, func(rows pgx.Rows) error {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			return err
		}
		out[typ] = n
		return nil
	})
	return out
}

func dbQuery(t *testing.T, s *serve, sql string, each func(pgx.Rows) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var conn *pgx.Conn
	var err error
	for range 100 {
		conn, err = pgx.Connect(ctx, fmt.Sprintf("host=%s port=5432 user=postgres dbname=backoffice", filepath.Join(s.dataDir, "postgres")))
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	for rows.Next() {
		if err := each(rows); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// checkCounts: each answered write's events are stored once; a registered
// worker has a placement and an account (no half registration).
func (w *writer) checkCounts(t *testing.T, before, after map[string]int) (bad int) {
	t.Helper()
	rounds := len(w.rounds)
	docs, reopened, imported := 0, 0, 0
	for _, r := range w.rounds {
		if r.documentID != "" {
			docs++
		}
		if r.reopened != "" {
			reopened++
		}
		imported += r.imported
	}
	// A client registration given up unanswered happened once or not at
	// all; each registration made its account (no half registration).
	abandoned := w.stats().abandoned
	clients := after["client.registered"] - before["client.registered"]
	if clients < rounds || clients > rounds+abandoned {
		bad++
		t.Errorf("client.registered: %d new events for %d answered and %d unanswered registrations", clients, rounds, abandoned)
	}
	want := map[string]int{
		"worker.registered":                rounds,
		"placement.started":                rounds,
		"account.created":                  clients + rounds, // the client's contact and the worker
		"account.activated":                rounds,
		"token.created":                    rounds,
		"document.uploaded":                docs,
		"document.signature_requested":     docs,
		"document.tan_issued":              docs,
		"document.signed":                  docs,
		"placement.ended":                  rounds,
		"timesheet.reopened":               reopened,
		"timesheet.imported":               imported,
		"account.password_reset_requested": -1, // one per request, and requests without a key may repeat
	}
	var types []string
	for typ := range want {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		got := after[typ] - before[typ]
		if want[typ] >= 0 && got != want[typ] {
			bad++
			t.Errorf("%s: %d new events for %d answered writes", typ, got, want[typ])
		}
	}
	return bad
}

// checkOrphans: no stored file without its document, no personal data
// without its subject's stream (a registration that died between the
// vault and the append must be finished by its retry, not left behind).
func checkOrphans(t *testing.T, s *serve) (n int) {
	t.Helper()
	for _, q := range []struct{ what, sql string }{
		{"document file without a document", `SELECT document_id FROM document_files f WHERE NOT EXISTS
			(SELECT 1 FROM eventstore_events e WHERE e.stream = 'document-' || f.document_id)`},
		{"personal data without its subject", `SELECT subject_id FROM personal_data p WHERE NOT EXISTS
			(SELECT 1 FROM eventstore_events e WHERE e.stream = p.subject_id)`},
		{"pending TAN record", `SELECT event_id::text FROM sign_tan_records WHERE status <> 'sent'`},
	} {
		dbQuery(t, s, q.sql, func(rows pgx.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			n++
			t.Errorf("%s: %s", q.what, id)
			return nil
		})
	}
	return n
}

// waitForDemoTANs waits (up to a minute) until every signature request of
// the demo has its document.tan_issued.
func waitForDemoTANs(t *testing.T, s *serve) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		var requested, issued int
		dbQuery(t, s, `SELECT count(*) FILTER (WHERE type = 'document.signature_requested'), count(*) FILTER (WHERE type = 'document.tan_issued')
			FROM eventstore_events`, func(rows pgx.Rows) error { return rows.Scan(&requested, &issued) })
		if issued >= requested {
			return
		}
		if time.Now().After(deadline) {
			t.Logf("the demo's %d signature requests have %d TAN records after a minute; going on", requested, issued)
			return
		}
	}
}

// drainQueues waits until no mail, text message or TAN record is pending; unless
// all, only until none is due, then checks that none failed and each is due
// within a lease.
func drainQueues(t *testing.T, s *serve, all bool) {
	t.Helper()
	const q = `SELECT count(*) FILTER (WHERE status = 'pending' AND ($1 OR next_attempt_at <= now())),
		count(*) FILTER (WHERE status = 'failed'),
		count(*) FILTER (WHERE status = 'pending' AND next_attempt_at > now() + interval '91 seconds')
		FROM (SELECT status, next_attempt_at FROM mail_deliveries UNION ALL SELECT status, next_attempt_at FROM sign_tan_records
			UNION ALL SELECT status, next_attempt_at FROM sms_deliveries) q`
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var due, failed, late int
		dbQuery(t, s, strings.Replace(q, "$1", strconv.FormatBool(all), 1), func(rows pgx.Rows) error { return rows.Scan(&due, &failed, &late) })
		if failed+late > 0 {
			t.Fatalf("%d mails or TAN records failed, %d wait longer than a lease", failed, late)
		}
		if due == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails and TAN records still pending after 3 minutes", due)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// duplicateMails counts mails (same Message-ID) and text messages (same
// recipient and text: each TAN is new) delivered more than once:
// the queue delivers at least once, so a kill between the SMTP answer and
// marking it sent sends it again.
func (w *writer) duplicateMails() int {
	seen := map[string]int{}
	dups := 0
	for _, m := range w.smtp.Messages() {
		id := ""
		for _, l := range strings.Split(string(m.Raw), "\n") {
			if strings.HasPrefix(strings.ToLower(l), "message-id:") {
				id = strings.TrimSpace(l[len("message-id:"):])
				break
			}
		}
		if id == "" {
			continue
		}
		if seen[id]++; seen[id] > 1 {
			dups++
		}
	}
	for _, r := range w.sms.Requests() {
		id := strings.Join(r.Recipients, ",") + "|" + r.Body
		if seen[id]++; r.Status == http.StatusOK && seen[id] > 1 {
			dups++
		}
	}
	return dups
}

// readModels fetches, as the back office, the lists and every round's
// client, worker, placement and document, as canonical JSON, once the
// projectors passed minPos.
func (w *writer) readModels(t *testing.T, minPos string) map[string][]byte {
	t.Helper()
	paths := []string{"/api/v1/clients", "/api/v1/placements", "/api/v1/documents", "/api/v1/accounts",
		"/api/v1/intermediaries", "/api/v1/tokens", "/api/v1/overview", "/api/v1/missing-hours"}
	for _, r := range w.rounds {
		paths = append(paths, "/api/v1/clients/"+r.clientID, "/api/v1/workers/"+r.workerID, "/api/v1/placements/"+r.placementID)
		if r.documentID != "" {
			paths = append(paths, "/api/v1/documents/"+r.documentID)
		}
		if r.reopened != "" {
			paths = append(paths, "/api/v1/timesheets/"+r.reopened)
		}
	}
	out := map[string][]byte{}
	for _, path := range paths {
		var v any
		var status int
		var body []byte
		var err error
		for range 100 {
			status, body, _, err = w.bo.do("GET", path+"?min_position="+minPos, "", "")
			if err == nil && status == http.StatusOK && json.Unmarshal(body, &v) == nil {
				break
			}
			v = nil
			time.Sleep(100 * time.Millisecond)
		}
		if v == nil {
			t.Fatalf("GET %s: %d %v %.300s", path, status, err, body)
		}
		canon, _ := json.Marshal(v)
		out[path] = canon
	}
	return out
}

// run runs a subcommand of the binary with serve's settings.
func run(t *testing.T, s *serve, args ...string) string {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("backoffice %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return string(out)
}

func verify(t *testing.T, s *serve) {
	t.Helper()
	if out := run(t, s, "verify"); !strings.Contains(out, "intact") {
		t.Errorf("backoffice verify: %s", out)
	}
}

// projectorNames are the names `projections status` lists, and the head
// position of the event store.
func projectorNames(t *testing.T, s *serve) (names []string, head string) {
	t.Helper()
	for i, l := range strings.Split(run(t, s, "projections", "status"), "\n") {
		if l == "" {
			break // the failures follow the table
		}
		if f := strings.Fields(l); i > 0 && len(f) > 3 {
			names, head = append(names, f[0]), f[3]
		}
	}
	if len(names) == 0 {
		t.Fatal("projections status lists no projector")
	}
	return names, head
}

// killMidway starts the subcommand and kills it with SIGKILL, with the
// postmaster it started, a seeded 0-5 ms after its output shows marker
// (it is at work by then). It reports whether the kill came before the
// output showed done.
func killMidway(t *testing.T, s *serve, rng *rand.Rand, marker, done string, args ...string) bool {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for !strings.Contains(out.String(), marker) {
		select {
		case err := <-exited:
			t.Errorf("backoffice %s finished before it could be killed (%v): %s", strings.Join(args, " "), err, out.String())
			return false
		case <-time.After(time.Millisecond):
		}
	}
	time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond)
	_ = cmd.Process.Kill()
	err := <-exited
	if pm := s.postmaster(); pm > 0 {
		_ = syscall.Kill(pm, syscall.SIGKILL)
	}
	last := strings.TrimSpace(out.String())
	if i := strings.LastIndexAny(last, "\r\n"); i >= 0 {
		last = last[i+1:]
	}
	midway := !strings.Contains(out.String(), done)
	t.Logf("killed backoffice %s (%v; before it was done: %v), its last output: %.200q", strings.Join(args, " "), err, midway, last)
	return midway
}

// syncBuffer is a bytes.Buffer for a process's output read while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// replayDiffers counts the tables the replay filled whose rows differ in
// number from the live read model's table of the same name.
func replayDiffers(t *testing.T, s *serve, schema string) (n int) {
	t.Helper()
	var tables []string
	dbQuery(t, s, `SELECT r.table_name FROM information_schema.tables r JOIN information_schema.tables l
		ON l.table_name = r.table_name AND l.table_schema = 'public'
		WHERE r.table_schema = '`+schema+`' AND r.table_type = 'BASE TABLE' AND r.table_name <> 'projection_checkpoints'
		ORDER BY 1`, func(rows pgx.Rows) error {
		var name string
		err := rows.Scan(&name)
		tables = append(tables, name)
		return err
	})
	if len(tables) == 0 {
		t.Errorf("the replay's schema %s holds no read model", schema)
		return 1
	}
	for _, table := range tables {
		id := pgx.Identifier{table}.Sanitize()
		dbQuery(t, s, `SELECT (SELECT count(*) FROM `+pgx.Identifier{schema, table}.Sanitize()+`), (SELECT count(*) FROM public.`+id+`)`,
			func(rows pgx.Rows) error {
				var replayed, live int
				if err := rows.Scan(&replayed, &live); err != nil {
					return err
				}
				// The replay's schema has every table; it fills the read
				// models (the others, owned by the commands and the
				// queues, stay empty).
				if replayed != 0 && replayed != live {
					n++
					t.Errorf("audit replay: %s holds %d rows, the live read model %d", table, replayed, live)
				}
				return nil
			})
	}
	t.Logf("audit replay: %d tables compared with the live ones", len(tables))
	return n
}
