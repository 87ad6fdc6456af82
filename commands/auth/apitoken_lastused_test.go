package auth_test

import (
	"testing"
	"time"

	"backoffice/domain"
)

// TestAPITokenRecordsLastUse: a token's use is recorded (the statement
// failed on every use: "timestamp with time zone < interval").
func TestAPITokenRecordsLastUse(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	id, plain, err := s.CreateToken(ctx, domain.RoleAuditor, "probe")
	if err != nil {
		t.Fatal(err)
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
}
