package auth_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
)

// noTransactionWhileHashing makes every password hash check that no
// session of the test's database has a transaction with a transaction ID
// open: argon2 is slow on purpose, and such a transaction would hold back
// every reader of the PostgreSQL event store (and the rows it locked) for
// as long as the hash takes. It returns how many hashes it checked.
func noTransactionWhileHashing(t *testing.T, pool *pgxpool.Pool) *int {
	t.Helper()
	n := new(int)
	auth.SetBeforeHash(t, func() {
		*n++
		var open int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&open); err != nil {
			t.Error(err)
			return
		}
		if open != 0 {
			t.Errorf("a password was hashed with %d transaction(s) holding a transaction ID open", open)
		}
	})
	return n
}

// TestNoTransactionOpenWhileHashing: activation and reset (ConsumeToken),
// a password change and a login that upgrades the stored hash all hash
// before their transaction begins.
func TestNoTransactionOpenWhileHashing(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{})
	hashes := noTransactionWhileHashing(t, pool)

	tok, _, err := s.IssueToken(ctx, "acc-1", auth.PurposePasswordReset, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "nieuw-wachtwoord-1", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, "acc-1", "nieuw-wachtwoord-1", "nieuw-wachtwoord-2", "", "", t0); err != nil {
		t.Fatal(err)
	}
	// Other parameters: the login upgrades the stored hash.
	stronger := fastParams
	stronger.Time++
	s2, err := auth.New(pool, auth.Config{Params: stronger})
	if err != nil {
		t.Fatal(err)
	}
	before := *hashes
	if _, _, err := s2.Login(ctx, janEmail, "nieuw-wachtwoord-2", "", t0); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := pool.QueryRow(ctx, `SELECT password_hash FROM credentials WHERE account_id = 'acc-1'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if auth.NeedsRehash(stored, stronger) || *hashes == before {
		t.Fatalf("the login did not upgrade the hash (%d hashes)", *hashes-before)
	}
	// An unknown token costs no hash.
	before = *hashes
	if _, err := s.ConsumeToken(ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", auth.PurposePasswordReset, "nieuw-wachtwoord-3", t0); err == nil {
		t.Fatal("an unknown token was redeemed")
	}
	if *hashes != before {
		t.Fatal("an unknown token cost a password hash")
	}
}
