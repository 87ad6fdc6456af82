package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore/postgres"
)

// TestLockIfHoldsEveryLock: the one statement that locks an AppendIf's
// streams holds its own stream exclusively and each condition's stream
// shared until the transaction ends: another transaction can take the
// conditions' streams shared (other commands reading on the same
// placement) but not exclusively (an append to the placement waits), and
// cannot take the own stream at all.
func TestLockIfHoldsEveryLock(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t, newMigratedDB(t))
	holder, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Rollback(ctx) }()
	if err := postgres.LockIfInTx(ctx, holder, "timesheet-1", "placement-1", "client-1", "placement-1"); err != nil {
		t.Fatal(err)
	}
	try := func(stream string, shared bool) bool {
		t.Helper()
		var ok bool
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var err error
			ok, err = postgres.TryStreamLock(ctx, tx, stream, shared)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for _, c := range []struct {
		stream string
		shared bool
		want   bool
	}{
		{"timesheet-1", false, false}, {"timesheet-1", true, false},
		{"placement-1", false, false}, {"placement-1", true, true},
		{"client-1", false, false}, {"client-1", true, true},
		{"client-2", false, true},
	} {
		if got := try(c.stream, c.shared); got != c.want {
			t.Errorf("%s (shared %v) could be locked by another transaction: %v, want %v", c.stream, c.shared, got, c.want)
		}
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if !try("placement-1", false) || !try("timesheet-1", false) {
		t.Error("the locks outlived the transaction")
	}
}
