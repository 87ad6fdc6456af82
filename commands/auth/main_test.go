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

func newService(t *testing.T, cfg auth.Config) (*auth.Service, *pgxpool.Pool) {
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
