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
		outbox := o.MailSender
		o.MailSender = mail.SenderFunc(func(ctx context.Context, m mail.Message) error {
			rows, _ := o.Pool.Query(ctx, `SELECT lease_holder FROM mail_deliveries WHERE lease_holder IS NOT NULL`)
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

	var sessions map[int32]map[int32]int32
	for {
		sessions = livenessSessions(t, ctx, pool)
		classes := map[int32]bool{}
		for _, ids := range sessions {
			for c := range ids {
				classes[c] = true
			}
		}
		if len(classes) == 2 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("liveness locks held: %v; want both classes", sessions)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if len(sessions) != 1 {
		t.Fatalf("%d sessions hold liveness locks (%v); want one per process", len(sessions), sessions)
	}
	var id int32
	for _, ids := range sessions {
		if ids[api.ClaimLockClass] != ids[queue.LeaseLockClass] {
			t.Fatalf("the session holds %v; want one id in both classes", ids)
		}
		id = ids[api.ClaimLockClass]
	}

	// A command with an Idempotency-Key (a claim) that queues a mail (a
	// lease): both name the one id.
	if _, _, err := a.Identity.Activation.BootstrapBackoffice(ctx, demo.BackofficeMail, demo.Password); err != nil {
		t.Fatal(err)
	}
	call := func(path, token, key string, body any) (int, []byte) {
		t.Helper()
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
	_ = json.Unmarshal(body, &sess)
	status, body = call("/api/v1/intermediaries", sess.Token, "liveness-1", map[string]any{
		"name": "Flexwerk", "kvk": "87654321", "language": "nl",
		"contact": map[string]string{"name": "Anna de Vries", "email": "anna@flexwerk.example.nl"}})
	if status != http.StatusCreated {
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
