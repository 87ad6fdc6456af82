package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// TestInAppendCommitsWithTheEvents: the caller's statement (InAppend) runs
// in the append's transaction: it sees the append's position, writes
// nothing when the append wrote nothing, runs once however many appends
// follow, and when it fails the append is rolled back with it.
func TestInAppendCommitsWithTheEvents(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t, newMigratedDB(t))
	s := openStore(t, pool, postgres.Options{})
	if _, err := pool.Exec(ctx, `CREATE TABLE marks (k text PRIMARY KEY, position text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	mark := func(k string) *eventstore.InAppend {
		return &eventstore.InAppend{SQL: `INSERT INTO marks (k, position) SELECT $1, position FROM appended`, Args: []any{k}}
	}
	stored := func(k string) (string, bool) {
		var pos string
		err := pool.QueryRow(ctx, `SELECT position FROM marks WHERE k = $1`, k).Scan(&pos)
		return pos, err == nil
	}

	a := mark("a")
	res, err := s.Append(eventstore.WithInAppend(ctx, a), "s-1", eventstore.NoStream(), events(2)...)
	if err != nil {
		t.Fatal(err)
	}
	if pos, ok := stored("a"); !ok || pos != res.Position.String() || !a.Ran() {
		t.Fatalf("mark a = %q (stored %v, ran %v), want the append's position %s", pos, ok, a.Ran(), res.Position)
	}
	// Used up: a second append with the same context does not run it again
	// (it would fail on the primary key).
	if _, err := s.Append(eventstore.WithInAppend(ctx, a), "s-1", eventstore.Exact(1), events(1)...); err != nil {
		t.Fatalf("second append with a used statement: %v", err)
	}

	// A refused append (wrong expected revision, failed condition) writes
	// nothing of the caller's.
	b := mark("b")
	if _, err := s.Append(eventstore.WithInAppend(ctx, b), "s-1", eventstore.Exact(0), events(1)...); err == nil {
		t.Fatal("append with a wrong expected revision went through")
	}
	if _, err := s.AppendIf(eventstore.WithInAppend(ctx, b), "s-2", eventstore.NoStream(),
		[]eventstore.Condition{{Stream: "s-1", Expected: eventstore.Exact(0)}}, events(1)...); err == nil {
		t.Fatal("append with a failed condition went through")
	}
	if _, ok := stored("b"); ok || b.Ran() {
		t.Fatalf("refused appends stored the mark (ran %v)", b.Ran())
	}
	// An idempotent repeat appends nothing and marks nothing.
	evs := events(1)
	if _, err := s.Append(ctx, "s-3", eventstore.NoStream(), evs...); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(eventstore.WithInAppend(ctx, b), "s-3", eventstore.NoStream(), evs...); err != nil {
		t.Fatalf("repeat: %v", err)
	}
	if _, ok := stored("b"); ok || b.Ran() {
		t.Fatal("an idempotent repeat stored the mark")
	}

	// The caller's statement fails: the append is rolled back and not
	// retried, and the failure is the statement's.
	again := mark("a")
	_, err = s.Append(eventstore.WithInAppend(ctx, again), "s-4", eventstore.NoStream(), events(1)...)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" || !errors.As(again.Err(), &pgErr) || again.Ran() {
		t.Fatalf("append with a failing statement: %v (statement's error %v)", err, again.Err())
	}
	if _, err := s.ReadStream(ctx, "s-4", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("the append stayed although its statement failed: %v", err)
	}
}

// TestInAppendReadsInTheAppendsTransaction: under an InAppend, ReadStreams
// begins the transaction the append then commits: the read and the append
// are one transaction (xact_commit counts one), and a read followed by no
// append ends on Close without writing.
func TestInAppendReadsInTheAppendsTransaction(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t, newMigratedDB(t))
	s := openStore(t, pool, postgres.Options{})
	if _, err := s.Append(ctx, "s-1", eventstore.NoStream(), events(1)...); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE marks (k text PRIMARY KEY, began timestamptz)`); err != nil {
		t.Fatal(err)
	}
	a := &eventstore.InAppend{SQL: `INSERT INTO marks (k, began) SELECT 'a', transaction_timestamp() FROM appended`}
	actx := eventstore.WithInAppend(ctx, a)
	got, err := s.ReadStreams(actx, eventstore.StreamRead{Stream: "s-1"})
	if err != nil || len(got) != 1 || len(got[0].Events) != 1 {
		t.Fatalf("read: %+v, %v", got, err)
	}
	var readAt time.Time
	if err := pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&readAt); err != nil {
		t.Fatal(err)
	}
	// The read's transaction is still open on the held connection.
	var open int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state = 'idle in transaction'`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 1 {
		t.Fatalf("%d sessions idle in transaction after the read, want 1 (the command's)", open)
	}
	_, err = s.Append(actx, "s-1", eventstore.Exact(0), events(1)...)
	if err != nil || !a.Ran() {
		t.Fatalf("append: %v (ran %v)", err, a.Ran())
	}
	// One transaction: the one the append committed began before the
	// read returned.
	var before bool
	if err := pool.QueryRow(ctx, `SELECT began < $1 FROM marks WHERE k = 'a'`, readAt).Scan(&before); err != nil || !before {
		t.Fatalf("the append's transaction began after the read (%v): not the read's", err)
	}
	a.Close()
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state = 'idle in transaction'`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Fatalf("%d sessions idle in transaction after the append", open)
	}

	// Read, decide to append nothing: Close ends the transaction.
	b := &eventstore.InAppend{SQL: `INSERT INTO marks (k) SELECT 'b' FROM appended`}
	bctx := eventstore.WithInAppend(ctx, b)
	if _, err := s.ReadStreams(bctx, eventstore.StreamRead{Stream: "s-1"}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state = 'idle in transaction'`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 0 || b.Ran() {
		t.Fatalf("after Close: %d sessions idle in transaction, ran %v", open, b.Ran())
	}
}
