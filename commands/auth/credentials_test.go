package auth_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/commands/auth"
	"backoffice/domain"
)

// TestAccountsReadInTheCallersTransaction: AccountIn and EnabledAccounts
// (what the sign mailer reads in its projector's transaction) see that
// transaction's own writes, skip blocked accounts and other roles, and
// list by account ID.
func TestAccountsReadInTheCallersTransaction(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	for _, r := range []auth.AccountRow{
		{AccountID: "bo-2", Email: "b@bureau.test", Role: domain.RoleBackoffice, Language: "en"},
		{AccountID: "bo-1", Email: "a@bureau.test", Role: domain.RoleBackoffice},
		{AccountID: "c-1", Email: "c@client.test", Role: domain.RoleClient, TenantID: "c1"},
	} {
		if err := auth.UpsertAccount(ctx, pool, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Disable(ctx, "bo-2"); err != nil {
		t.Fatal(err)
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Not committed: only the transaction itself sees it.
		if err := auth.UpsertAccount(ctx, tx, auth.AccountRow{AccountID: "bo-0", Email: "z@bureau.test", Role: domain.RoleBackoffice}); err != nil {
			return err
		}
		all, err := auth.EnabledAccounts(ctx, tx, domain.RoleBackoffice)
		if err != nil {
			return err
		}
		var got []string
		for _, a := range all {
			got = append(got, a.AccountID+" "+a.Email+" "+a.Language)
		}
		if want := []string{"bo-0 z@bureau.test nl", "bo-1 a@bureau.test nl"}; !slices.Equal(got, want) {
			t.Errorf("enabled back office = %q, want %q", got, want)
		}
		a, err := auth.AccountIn(ctx, tx, "bo-2")
		if err != nil || a.Email != "b@bureau.test" || a.Language != "en" || !a.Disabled {
			t.Errorf("AccountIn(bo-2) = %+v, %v", a, err)
		}
		if a, err := auth.AccountIn(ctx, tx, "bo-0"); err != nil || a.Email != "z@bureau.test" {
			t.Errorf("AccountIn(bo-0) in its transaction = %+v, %v", a, err)
		}
		if _, err := auth.AccountIn(ctx, tx, "nobody"); !errors.Is(err, auth.ErrAccountNotFound) {
			t.Errorf("AccountIn(nobody): %v", err)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatal(err)
	}
	if _, err := s.Account(ctx, "bo-0"); !errors.Is(err, auth.ErrAccountNotFound) {
		t.Errorf("rolled-back account read outside: %v", err)
	}
}
