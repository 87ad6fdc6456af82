package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/internal/pgtest"
	"backoffice/readmodel"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fastParams keep argon2 cheap in tests that hash many times.
var fastParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cs := pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate))
	return pgtest.Pool(t, cs)
}

// newService is a service with the default configuration (and cheap
// argon2) on a fresh database.
func newService(t *testing.T) (*auth.Service, *pgxpool.Pool) {
	t.Helper()
	return newServiceWith(t, auth.Config{})
}

// newServiceWith is newService with cfg; argon2 stays cheap unless cfg
// sets its own Params.
func newServiceWith(t *testing.T, cfg auth.Config) (*auth.Service, *pgxpool.Pool) {
	t.Helper()
	pool := newPool(t)
	if cfg.Params == (auth.Params{}) {
		cfg.Params = fastParams
	}
	s, err := auth.New(pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, pool
}

// activeAccount creates an account and sets its password through an
// activation token, as a new user would.
func activeAccount(t *testing.T, ctx context.Context, s *auth.Service, pool *pgxpool.Pool, id, email, password string) {
	t.Helper()
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: id, Email: email,
		Role: domain.RoleClient, TenantID: "client-1"}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.IssueToken(ctx, id, auth.PurposeActivation, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeToken(ctx, tok, auth.PurposeActivation, password, t0); err != nil {
		t.Fatal(err)
	}
}

// Jan (acc-1, a user of client-1) is the account most tests log in with.
const (
	janEmail    = "jan@example.nl"
	janPassword = "geheim-wachtwoord"
)

// withJan returns a service on a fresh database in which Jan's account is
// active with janPassword.
func withJan(t *testing.T, cfg auth.Config) (context.Context, *auth.Service, *pgxpool.Pool) {
	t.Helper()
	ctx := testCtx(t)
	s, pool := newServiceWith(t, cfg)
	activeAccount(t, ctx, s, pool, "acc-1", janEmail, janPassword)
	return ctx, s, pool
}

// janLogin logs Jan in at t0 and returns the session token.
func janLogin(t *testing.T, ctx context.Context, s *auth.Service) string {
	t.Helper()
	tok, _, err := s.Login(ctx, janEmail, janPassword, "", t0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
