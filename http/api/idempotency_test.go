package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/api"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// probe is a feature with one command whose outcome the test sets and
// whose calls it records.
type probe struct {
	mu    sync.Mutex
	fail  error
	calls []commands.Meta
	block chan struct{} // the first call waits for it
	pool  *pgxpool.Pool
}

func (p *probe) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

func (p *probe) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/probe", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusCreated, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
			p.mu.Lock()
			p.calls = append(p.calls, meta)
			block := p.block
			p.block = nil
			p.mu.Unlock()
			if block != nil {
				<-block
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			if err := p.fail; err != nil {
				p.fail = nil
				return commands.Result{}, nil, err
			}
			return commands.Result{}, nil, nil
		})
	})).Methods(http.MethodPost)
}

func (p *probe) last() commands.Meta {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[len(p.calls)-1]
}

type answer struct {
	status           int
	retryAfter, body string
}

var lastAnswer answer

func postFull(t *testing.T, post func(key, body string) int, key, body string) answer {
	t.Helper()
	post(key, body)
	return lastAnswer
}

func newProbe(t *testing.T) (*probe, func(key, body string) int) {
	t.Helper()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "api", apitest.Migrate))
	p := &probe{pool: pool}
	url := apitest.ServeFeature(t, pool, p)
	return p, func(key, body string) int {
		t.Helper()
		r := apitest.Request(t, http.MethodPost, url+"/probe", body, apitest.ActorHeader, "worker1", "Idempotency-Key", key)
		lastAnswer = answer{r.Status, r.Header.Get("Retry-After"), string(r.Body)}
		return r.Status
	}
}

// TestFailedCommandLeavesItsKeyForARetry: a command that failed on our
// side may have appended before it failed; its key must stay claimed for
// the retry to take over at once with meta.Retry (so the handler looks for
// what the first attempt appended), not be released for a fresh run.
func TestFailedCommandLeavesItsKeyForARetry(t *testing.T) {
	p, post := newProbe(t)
	p.fail = errors.New("connection reset after the append")
	if got := post("k1", `{"a":1}`); got != http.StatusInternalServerError {
		t.Fatalf("failing command: %d, want 500", got)
	}
	if got := post("k1", `{"a":1}`); got != http.StatusCreated {
		t.Fatalf("retry after a failure: %d, want 201 (taken over at once)", got)
	}
	if m := p.last(); !m.Retry || m.Command == "" {
		t.Fatalf("retry ran with Retry=%t Command=%q, want Retry and the request's identity", m.Retry, m.Command)
	}
	if got := post("k1", `{"a":2}`); got != http.StatusUnprocessableEntity {
		t.Fatalf("another request under the key: %d, want 422", got)
	}
}

// TestRefusedCommandReleasesItsKey: a refusal stored nothing; a corrected
// retry under the same key runs as a fresh command.
func TestRefusedCommandReleasesItsKey(t *testing.T) {
	p, post := newProbe(t)
	p.fail = domain.Invalid("bad", "a", "bad", "fout")
	if got := post("k1", `{"a":1}`); got != http.StatusBadRequest {
		t.Fatalf("refused command: %d, want 400", got)
	}
	if got := post("k1", `{"a":2}`); got != http.StatusCreated {
		t.Fatalf("corrected retry: %d, want 201", got)
	}
	if m := p.last(); m.Retry {
		t.Fatal("a fresh run after a refusal ran with Retry")
	}
}

// TestOutageAnswers503: a command that finds the event store unavailable
// answers 503 with Retry-After and the JSON error, and its retry (same
// key) runs at once once the store is back.
func TestOutageAnswers503(t *testing.T) {
	p, post := newProbe(t)
	p.fail = fmt.Errorf("commands: append: %w", eventstore.ErrUnavailable)
	res := postFull(t, post, "k1", `{}`)
	if res.status != http.StatusServiceUnavailable || res.retryAfter == "" || !strings.Contains(res.body, `"code":"unavailable"`) {
		t.Fatalf("outage answered %d (Retry-After %q) %s", res.status, res.retryAfter, res.body)
	}
	if got := post("k1", `{}`); got != http.StatusCreated {
		t.Fatalf("retry after the outage: %d, want 201", got)
	}
}

// holdFirst posts {} under key and waits until the probe runs it; the probe
// holds that first request there until the test ends (also when it fails).
func holdFirst(t *testing.T, p *probe, post func(key, body string) int, key string) {
	t.Helper()
	release := make(chan struct{})
	p.block = release
	first := make(chan int, 1)
	go func() { first <- post(key, `{}`) }()
	t.Cleanup(func() { close(release); <-first })
	deadline := time.Now().Add(10 * time.Second)
	for p.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// TestClaimOfADeadProcessIsTakenOverAtOnce: a key claimed by a request
// that is still running answers 409 in progress; a key whose claiming
// process is gone (kill -9: its liveness lock went with its connections)
// is taken over by the retry at once, not after three minutes.
func TestClaimOfADeadProcessIsTakenOverAtOnce(t *testing.T) {
	p, post := newProbe(t)
	holdFirst(t, p, post, "k1")
	if got := postFull(t, post, "k1", `{}`); got.status != http.StatusConflict || !strings.Contains(got.body, "idempotency_key_in_progress") {
		t.Fatalf("retry while the first runs: %d %s, want 409 in progress", got.status, got.body)
	}
	// The claimer dies: its claim now names a process that holds no lock.
	if _, err := p.pool.Exec(context.Background(), `UPDATE idempotency_keys SET claimed_by = claimed_by # 1 WHERE key = 'k1'`); err != nil {
		t.Fatal(err)
	}
	if got := post("k1", `{}`); got != http.StatusCreated {
		t.Fatalf("retry after the claimer died: %d, want 201 (taken over at once)", got)
	}
}

// TestClaimFromBeforeADatabaseRestartIsTakenOver: when the database
// restarts, the claims of requests that were running then (and failed with
// it) must not look alive once the process locks its liveness again: it
// locks a new ID, so the old claims are taken over at once. (The kill loop
// stalled on this: every retry answered 409 in progress for 3 minutes.)
func TestClaimFromBeforeADatabaseRestartIsTakenOver(t *testing.T) {
	p, post := newProbe(t)
	holdFirst(t, p, post, "k1")
	if got := post("k1", `{}`); got != http.StatusConflict {
		t.Fatalf("retry while the first runs: %d, want 409", got)
	}
	ctx := context.Background()
	held := func() []int64 {
		rows, _ := p.pool.Query(ctx, `SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted`, 0x69646b79)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	before := held()
	// The database session of the liveness lock breaks, as in a restart.
	if _, err := p.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1`, 0x69646b79); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if now := held(); len(now) > 0 && (len(before) == 0 || now[0] != before[0]) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := post("k1", `{}`); got != http.StatusCreated {
		t.Fatalf("retry of a claim from before the restart: %d, want 201 (taken over)", got)
	}
}
