package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

// TestReadStreamsOrdersRowsInGo: ReadStreams' statement has no ORDER BY
// (the server's sorts were much of a command's cost), so the rows come in
// the order of the plan's scan: a bitmap scan (the one forced here, the
// server's choice for longer streams) yields the heap's order, where rows
// rewritten (here by hand, as a repair would) come after their successors. The read still returns every stream's events in revision
// order and the chain verifies.
func TestReadStreamsOrdersRowsInGo(t *testing.T) {
	ctx := t.Context()
	cs := newMigratedDB(t)
	if _, err := newPool(t, cs).Exec(ctx, `DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET enable_indexscan = off', current_database()); END $$`); err != nil {
		t.Fatal(err)
	}
	pool := newPool(t, cs) // its connections start with the setting
	s := openStore(t, pool, postgres.Options{})
	if _, err := s.Append(ctx, "moved", eventstore.NoStream(), events(4)...); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "other", eventstore.NoStream(), events(2)...); err != nil {
		t.Fatal(err)
	}
	// Revisions 0 and 1 moved away and back, values unchanged: their rows
	// land after the stream's others in the heap (a changed key column
	// rules out an update in place).
	if _, err := pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET revision = revision + 100 WHERE stream = 'moved' AND revision IN (0, 1);
		UPDATE eventstore_events SET revision = revision - 100 WHERE stream = 'moved' AND revision IN (100, 101);
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	names, froms := []string{"moved", "other"}, []int64{0, 0}
	rows, err := pool.Query(ctx, postgres.ReadStreamsSQL, names, froms)
	if err != nil {
		t.Fatal(err)
	}
	var raw []int64
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		if vals[0].(int64) == 1 {
			raw = append(raw, vals[5].(int64))
		}
	}
	if rows.Close(); rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if slices.IsSorted(raw) {
		t.Fatalf("the statement returned revisions %v in order: the test does not reach the case it is for", raw)
	}

	got, err := s.ReadStreams(ctx, eventstore.StreamRead{Stream: "moved"}, eventstore.StreamRead{Stream: "other"},
		eventstore.StreamRead{Stream: "moved", From: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]uint64{{0, 1, 2, 3}, {0, 1}, {2, 3}} {
		var revs []uint64
		for _, e := range got[i].Events {
			revs = append(revs, e.Revision)
		}
		if !slices.Equal(revs, want) || !got[i].Exists || got[i].Revision != want[len(want)-1] {
			t.Errorf("read %d: revisions %v (exists %v, head %d), want %v", i, revs, got[i].Exists, got[i].Revision, want)
		}
	}
	if err := eventstore.VerifyStream(got[0].Events); err != nil {
		t.Fatal(err)
	}
}

// TestReadStreamsPlan: ReadStreams' statement looks each stream's events
// up on the (stream, revision) index and sorts nothing, in the custom and
// in the generic plan of the prepared statement (the generic one joined a
// sequential scan of the whole table by hash when the lookup could be
// flattened into the join).
func TestReadStreamsPlan(t *testing.T) {
	ctx := t.Context()
	s, cs := newStore(t, postgres.Options{})
	pool := newPool(t, cs)
	for i := range 100 {
		if _, err := s.Append(ctx, fmt.Sprintf("stream-%d", i), eventstore.NoStream(), events(20)...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `ANALYZE eventstore_events`); err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `PREPARE read_streams(text[], bigint[]) AS `+postgres.ReadStreamsSQL); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		if _, err := conn.Exec(ctx, `SET plan_cache_mode = `+mode); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, `EXPLAIN EXECUTE read_streams('{stream-1,stream-2,stream-3}', '{0,0,5}')`)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan") || strings.Contains(text, "Sort") || strings.Contains(text, "Hash") {
			t.Errorf("%s:\n%s", mode, text)
		}
	}
}

// TestReadStreamsUsesTheGenericPlan: ReadStreams runs its statement with
// the generic plan from the first read on; the server would otherwise plan
// it again on every read (its cost estimate for the generic plan assumes
// ten reads). Read on a one-connection pool, outside and inside a
// command's transaction, and counted in pg_prepared_statements.
func TestReadStreamsUsesTheGenericPlan(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.PoolOfSize(t, newMigratedDB(t), 1)
	s := openStore(t, pool, postgres.Options{})
	if _, err := s.Append(ctx, "placement-1", eventstore.NoStream(), events(3)...); err != nil {
		t.Fatal(err)
	}
	reads := []eventstore.StreamRead{{Stream: "placement-1"}, {Stream: "client-1"}}
	for range 8 {
		if _, err := s.ReadStreams(ctx, reads...); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 { // a command's: its append commits the read's transaction
		cctx := eventstore.WithInAppend(ctx, &eventstore.InAppend{SQL: `SELECT 1 FROM appended`})
		if _, err := s.ReadStreams(cctx, reads...); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(cctx, "placement-1", eventstore.Exact(uint64(2+i)), events(1)...); err != nil {
			t.Fatal(err)
		}
	}
	var generic, custom int64
	if err := pool.QueryRow(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1`,
		postgres.ReadStreamsSQL).Scan(&generic, &custom); err != nil {
		t.Fatal(err)
	}
	if generic != 12 || custom != 0 {
		t.Errorf("ReadStreams' statement ran with %d generic and %d custom plans, want 12 and 0", generic, custom)
	}
}

// TestReadStreamsLeavesOutADeletedRevision: ReadStreams puts each event at
// its revision's place (the read knows the stream's head from its first
// row); a revision deleted behind the store's back leaves no empty place
// in the read, the events stay in order and the chain check reports the
// gap, in a read from the start and in one from a later revision.
func TestReadStreamsLeavesOutADeletedRevision(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t, newMigratedDB(t))
	s := openStore(t, pool, postgres.Options{})
	if _, err := s.Append(ctx, "holed", eventstore.NoStream(), events(5)...); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		DELETE FROM eventstore_events WHERE stream = 'holed' AND revision = 2;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadStreams(ctx, eventstore.StreamRead{Stream: "holed"}, eventstore.StreamRead{Stream: "holed", From: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]uint64{{0, 1, 3, 4}, {1, 3, 4}} {
		var revs []uint64
		for _, e := range got[i].Events {
			if e.Stream != "holed" {
				t.Errorf("read %d: an event of stream %q", i, e.Stream)
			}
			revs = append(revs, e.Revision)
		}
		if !slices.Equal(revs, want) || got[i].Revision != 4 {
			t.Errorf("read %d: revisions %v (head %d), want %v (head 4)", i, revs, got[i].Revision, want)
		}
	}
	var ie *eventstore.IntegrityError
	if err := eventstore.VerifyStream(got[0].Events); !errors.As(err, &ie) || ie.Revision != 3 {
		t.Fatalf("the chain check of the read with a gap: %v, want an integrity error at revision 3", err)
	}
}

// TestReadStreamsMetadataAsStoredOnEveryRead: a command's reads take each
// event's decoded metadata from the store's memo of its stream when the
// stored bytes are the same; every read, before and after the stream grew
// and from a later revision, gives each event exactly its own metadata.
func TestReadStreamsMetadataAsStoredOnEveryRead(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t, newMigratedDB(t))
	s := openStore(t, pool, postgres.Options{})
	at := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	appendN := func(from, n int) {
		t.Helper()
		for i := from; i < from+n; i++ {
			ev := event("test.happened", i)
			ev.Metadata = eventstore.Metadata{ActorID: fmt.Sprintf("actor-%d", i), ActorRole: "client",
				CorrelationID: fmt.Sprintf("req-%d", i), OccurredAt: at.Add(time.Duration(i) * time.Minute)}
			if _, err := s.Append(ctx, "memo", eventstore.Any(), ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(from uint64, want int) {
		t.Helper()
		got, err := s.ReadStreams(ctx, eventstore.StreamRead{Stream: "memo", From: from})
		if err != nil || len(got[0].Events) != want {
			t.Fatalf("ReadStreams from %d: %d events, %v; want %d", from, len(got[0].Events), err, want)
		}
		for _, e := range got[0].Events {
			i := int(e.Revision)
			if e.Metadata.ActorID != fmt.Sprintf("actor-%d", i) || e.Metadata.CorrelationID != fmt.Sprintf("req-%d", i) ||
				!e.Metadata.OccurredAt.Equal(at.Add(time.Duration(i)*time.Minute)) {
				t.Fatalf("revision %d read with metadata %+v", i, e.Metadata)
			}
		}
		if from == 0 {
			if err := eventstore.VerifyStream(got[0].Events); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendN(0, 5)
	check(0, 5)
	check(0, 5) // from the memo
	appendN(5, 3)
	check(0, 8) // the memo's five, and three more
	check(6, 2)
	check(0, 8)
}
