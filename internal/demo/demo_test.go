package demo_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/demo"
	it "backoffice/internal/identitytest"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// lastPosition is the position of the newest event, from a command's own
// answer: a harmless re-seed of nothing has none, so use a real command.
func lastPosition(t *testing.T, e *it.Env) string {
	t.Helper()
	bo := e.Login(t, demo.BackofficeMail, demo.Password)
	r := it.Want(t, e.Do(t, http.MethodPost, "/tokens", bo, map[string]string{"role": "auditor", "label": "demo check"}), http.StatusCreated)
	return r.Str(t, "position")
}

func TestSeedIsIdempotentAndLoginsWork(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	now := time.Now()
	var out bytes.Buffer
	logins, err := demo.Seed(ctx, e.Identity, now, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) != 1+1+2+10 || !strings.Contains(out.String(), demo.BackofficeMail) || !strings.Contains(out.String(), demo.Password) {
		t.Fatalf("logins %d, printed:\n%s", len(logins), out.String())
	}
	count := func() int { return eventCount(t, e.Pool) }
	before := count()
	if _, err := demo.Seed(ctx, e.Identity, now, nil); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before {
		t.Fatalf("second seed appended %d events", after-before)
	}
	// The last seeded event: a worker's activation; wait for the read models.
	head := lastPosition(t, e)

	for _, l := range logins {
		e.Login(t, l.Email, l.Password)
	}
	kees := e.Login(t, "kees@korenschoof.example.nl", demo.Password)
	r := it.Want(t, e.Do(t, http.MethodGet, "/placements?status=active&min_position="+head, kees, nil), http.StatusOK)
	if n := strings.Count(string(r.Body), `"worker_id"`); n != 6 {
		t.Fatalf("bakery sees %d placements: %s", n, r.Body)
	}
	r = it.Want(t, e.Do(t, http.MethodGet, "/clients/"+demo.ClientBakery, kees, nil), http.StatusOK)
	if b := string(r.Body); !strings.Contains(b, `"time_registration":true`) || !strings.Contains(b, `"approval_chain":["client","intermediary"]`) {
		t.Fatalf("bakery agreement: %s", b)
	}
	anna := e.Login(t, "anna@flexwerk.example.nl", demo.Password)
	r = it.Want(t, e.Do(t, http.MethodGet, "/placements?status=active", anna, nil), http.StatusOK)
	if n := strings.Count(string(r.Body), `"worker_id"`); n != 10 {
		t.Fatalf("intermediary sees %d placements: %s", n, r.Body)
	}
}

// eventCount is how many events the ledger holds: a seed run again must
// not change it.
func eventCount(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM eventstore_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
