package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/http/api"
	"backoffice/internal/demo"
	"backoffice/notify/mail"
	"backoffice/notify/queue"
	"backoffice/notify/sms"
)

// livenessSessions lists the database sessions (pid) that hold a lock of
// the API's claim class or the queues' lease class in this database, with
// the id each holds per class.
func livenessSessions(t *testing.T, ctx context.Context, pool *pgxpool.Pool) map[int32]map[int32]int32 {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT pid, classid::bigint::int, objid::bigint::int FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 2
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint IN ($1, $2)`, api.ClaimLockClass, queue.LeaseLockClass)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]map[int32]int32{}
	var pid, class, id int32
	if _, err := pgx.ForEachRow(rows, []any{&pid, &class, &id}, func() error {
		if out[pid] == nil {
			out[pid] = map[int32]int32{}
		}
		out[pid][class] = id
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// processLiveness waits until both classes are held (other than old) and
// returns the one session that holds them and its id: one session, one
// id in both classes, or the test fails.
func processLiveness(t *testing.T, ctx context.Context, pool *pgxpool.Pool, old int32) (pid, id int32) {
	t.Helper()
	for {
		sessions := livenessSessions(t, ctx, pool)
		classes := map[int32]bool{}
		for _, ids := range sessions {
			for c, held := range ids {
				if held != old {
					classes[c] = true
				}
			}
		}
		if classes[api.ClaimLockClass] && classes[queue.LeaseLockClass] {
			if len(sessions) != 1 {
				t.Fatalf("%d sessions hold liveness locks (%v); want one per process", len(sessions), sessions)
			}
			for pid, ids := range sessions {
				if ids[api.ClaimLockClass] != ids[queue.LeaseLockClass] {
					t.Fatalf("the session holds %v; want one id in both classes", ids)
				}
				return pid, ids[api.ClaimLockClass]
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("liveness locks held: %v; want both classes", sessions)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// apiCaller bootstraps the back office and logs it in: post sends a
// command as the back office, with an Idempotency-Key.
func apiCaller(t *testing.T, ctx context.Context, a *App) (post func(path, key string, body any) (int, []byte)) {
	t.Helper()
	if _, _, err := a.Identity.Activation.BootstrapBackoffice(ctx, demo.BackofficeMail, demo.Password); err != nil {
		t.Fatal(err)
	}
	call := func(path, token, key string, body any) (int, []byte) {
		js, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	status, body := call("/api/v1/session", "", "", map[string]string{"email": demo.BackofficeMail, "password": demo.Password})
	if status != http.StatusCreated {
		t.Fatalf("login: %d %s", status, body)
	}
	var sess struct{ Token string }
	if err := json.Unmarshal(body, &sess); err != nil {
		t.Fatal(err)
	}
	return func(path, key string, body any) (int, []byte) { return call(path, sess.Token, key, body) }
}

// registerIntermediary is a command whose events queue a mail (the
// contact's activation).
var registerIntermediary = map[string]any{"name": "Flexwerk", "kvk": "87654321", "language": "nl",
	"contact": map[string]string{"name": "Anna de Vries", "email": "anna@flexwerk.example.nl"}}

// TestOneLivenessConnectionPerProcess: one application (the API, the
// mail, SMS and TAN-record queues) holds its liveness on one database
// session, one id in both lock classes, and its API claims and queue
// leases name that id. (Before, the API and every queue held a lock of
// their own: four connections per serve.)
func TestOneLivenessConnectionPerProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		mu     sync.Mutex
		leases []int32 // the lease holders of the mail being sent
	)
	a, pool, _ := runTestApp(t, "app_full", func(o *Options) {
		outbox, db := o.MailSender, o.Pool
		o.MailSender = mail.SenderFunc(func(ctx context.Context, m mail.Message) error {
			rows, _ := db.Query(ctx, `SELECT lease_holder FROM mail_deliveries WHERE lease_holder IS NOT NULL`)
			held, err := pgx.CollectRows(rows, pgx.RowTo[int32])
			if err != nil {
				return err
			}
			mu.Lock()
			leases = append(leases, held...)
			mu.Unlock()
			return outbox.Send(ctx, m)
		})
		texts, err := sms.NewFileOutbox(t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		o.SMSSender = texts // the third queue
	})
	_, id := processLiveness(t, ctx, pool, 0)

	// A command with an Idempotency-Key (a claim) that queues a mail (a
	// lease): both name the one id.
	post := apiCaller(t, ctx, a)
	if status, body := post("/api/v1/intermediaries", "liveness-1", registerIntermediary); status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	var claimedBy int32
	if err := pool.QueryRow(ctx, `SELECT claimed_by FROM idempotency_keys WHERE key = 'liveness-1'`).Scan(&claimedBy); err != nil {
		t.Fatal(err)
	}
	if claimedBy != id {
		t.Errorf("the claim names %d; want the process's liveness id %d", claimedBy, id)
	}
	for {
		mu.Lock()
		seen := append([]int32(nil), leases...)
		mu.Unlock()
		if len(seen) > 0 {
			for _, l := range seen {
				if l != id {
					t.Errorf("a mail's lease names %d; want the process's liveness id %d", l, id)
				}
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("no mail sent")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestSharedLivenessSessionBreakFreesClaims: when the process's one
// liveness session breaks (the database restarted), the process locks a
// new id in both classes, again on one session, and a claim made under
// the old id, unanswered, is taken over by its retry at once; while the
// session lived the retry got 409 in progress.
func TestSharedLivenessSessionBreakFreesClaims(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, pool, _ := runTestApp(t, "app_full", func(*Options) {})
	pid, id := processLiveness(t, ctx, pool, 0)
	post := apiCaller(t, ctx, a)
	if status, body := post("/api/v1/intermediaries", "liveness-2", registerIntermediary); status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	// As if the request were still running (or its answer lost): a claim
	// of this process without an answer.
	if _, err := pool.Exec(ctx, `UPDATE idempotency_keys SET status = NULL, response = NULL, position = NULL
		WHERE key = 'liveness-2' AND claimed_by = $1`, id); err != nil {
		t.Fatal(err)
	}
	if status, body := post("/api/v1/intermediaries", "liveness-2", registerIntermediary); status != http.StatusConflict {
		t.Fatalf("retry while the claimer's session lives: %d %s; want 409 in progress", status, body)
	}
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	_, nid := processLiveness(t, ctx, pool, id)
	if nid == id {
		t.Fatalf("the process locked its old id %d again", id)
	}
	if status, body := post("/api/v1/intermediaries", "liveness-2", registerIntermediary); status != http.StatusCreated {
		t.Fatalf("retry of a claim from before the break: %d %s; want 201 (taken over at once)", status, body)
	}
}
