package auth_test

import (
	"testing"
	"time"

	"backoffice/domain"
)

// TestAPITokenRecordsLastUse: a token's use is recorded (the statement
// failed on every use: "timestamp with time zone < interval") and the token
// list shows it.
func TestAPITokenRecordsLastUse(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	id, plain, err := s.CreateToken(ctx, domain.RoleAuditor, "probe")
	if err != nil {
		t.Fatal(err)
	}
	listed := func() *time.Time {
		ts, err := s.Tokens(ctx)
		if err != nil || len(ts) != 1 {
			t.Fatalf("tokens %+v %v", ts, err)
		}
		return ts[0].LastUsedAt
	}
	if used := listed(); used != nil {
		t.Fatalf("a new token listed as used at %v", used)
	}
	if _, err := s.AuthenticateToken(ctx, plain); err != nil {
		t.Fatal(err)
	}
	var used *time.Time
	if err := pool.QueryRow(ctx, `SELECT last_used_at FROM api_tokens WHERE id = $1`, id).Scan(&used); err != nil {
		t.Fatal(err)
	}
	if used == nil {
		t.Fatal("last_used_at not recorded")
	}
	if listed := listed(); listed == nil || !listed.Equal(*used) {
		t.Fatalf("the list says last used %v, the table %v", listed, used)
	}
}
