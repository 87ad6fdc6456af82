package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// TestCommittedHeadDoesNotWaitForOlderTransactions: while an older
// transaction with an xid is open, an append that commits is not yet in
// $all (HeadPosition stays behind it) but is the committed head; once the
// older transaction ends, both agree.
func TestCommittedHeadDoesNotWaitForOlderTransactions(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, newMigratedDB(t))
	s := openStore(t, pool, postgres.Options{})
	ev := func() eventstore.EventData {
		return eventstore.EventData{ID: uuid.New(), Type: "test.happened", Data: []byte(`{}`)}
	}
	first, err := s.Append(ctx, "h-1", eventstore.NoStream(), ev())
	if err != nil {
		t.Fatal(err)
	}
	older, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer older.Rollback(ctx)
	if _, err := older.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil { // takes an xid
		t.Fatal(err)
	}
	second, err := s.Append(ctx, "h-2", eventstore.NoStream(), ev())
	if err != nil {
		t.Fatal(err)
	}
	head, err := s.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := s.CommittedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head != first.Position || committed != second.Position {
		t.Fatalf("head %s, committed %s; want %s (first) and %s (second)", head, committed, first.Position, second.Position)
	}
	if err := older.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if head, err = s.HeadPosition(ctx); err != nil || head != second.Position {
		t.Fatalf("after the older transaction: head %s (%v), want %s", head, err, second.Position)
	}
}
