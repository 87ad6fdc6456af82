package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// TestBackfillChainsExistingEvents stores events the way version 3 of the
// schema did (no hashes, metadata as the old code wrote it), runs the rest of
// the migrations and checks that every stream is then a valid chain, that the
// chain start is recorded, and that new appends continue the chains.
func TestBackfillChainsExistingEvents(t *testing.T) {
	ctx := t.Context()
	cs := newDB(t)
	if err := postgres.MigrateTo(ctx, cs, 3); err != nil {
		t.Fatal(err)
	}
	pool := newPool(t, cs)
	// Rows as the previous adapter inserted them: created from now(), the
	// metadata as written (spacing and key order as jsonb printed them
	// before migration 3), a NULL payload in one.
	if _, err := pool.Exec(ctx, `INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata) VALUES
		('old-a', 0, gen_random_uuid(), 'test.one', '{"n": 1}', '{"actor_id": "acc-1", "occurred_at": "2026-03-16T09:00:00.123456789+01:00"}'),
		('old-b', 0, gen_random_uuid(), 'test.one', NULL, '{"occurred_at":"2026-03-16T09:00:00Z"}'),
		('old-a', 1, gen_random_uuid(), 'test.two', '{"n":2,"x":[1, 2]}', '{"actor_role":"client","actor_id":"acc-2","occurred_at":"2026-03-16T10:00:00Z"}')`); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(ctx, cs); err != nil {
		t.Fatal(err)
	}
	var (
		version  int
		n        int64
		until    string
		startedA time.Time
	)
	if err := pool.QueryRow(ctx, `SELECT version, backfilled_events, backfilled_until, started_at FROM eventstore_chain`).
		Scan(&version, &n, &until, &startedA); err != nil {
		t.Fatal(err)
	}
	if version != eventstore.ChainVersion || n != 3 || until == "" {
		t.Fatalf("chain start = version %d, %d events until %q; want version %d, 3 events, a position",
			version, n, until, eventstore.ChainVersion)
	}
	s, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Append(ctx, "old-a", eventstore.Exact(1), event("test.new", 3)); err != nil {
		t.Fatal(err)
	}
	for stream, want := range map[string]int{"old-a": 3, "old-b": 1} {
		evs, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != want {
			t.Fatalf("%s: %d events, want %d", stream, len(evs), want)
		}
		if err := eventstore.VerifyStream(evs); err != nil {
			t.Fatalf("%s after the back-fill: %v", stream, err)
		}
	}
}

// fenced is a store on a fresh database holding three events in stream
// "fenced", and a pool of its own on that database: the tamperer's.
func fenced(t *testing.T) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	s, cs := newStore(t, postgres.Options{})
	if _, err := s.Append(t.Context(), "fenced", eventstore.NoStream(), events(3)...); err != nil {
		t.Fatal(err)
	}
	return s, newPool(t, cs)
}

// TestLedgerIsAppendOnly: the trigger refuses UPDATE, DELETE and TRUNCATE,
// even for the table's owner; a superuser who disables it can tamper, and
// the chain shows it.
func TestLedgerIsAppendOnly(t *testing.T) {
	ctx := t.Context()
	s, pool := fenced(t)
	for _, sql := range []string{
		`UPDATE eventstore_events SET data = '{"n":600}' WHERE stream = 'fenced' AND revision = 1`,
		`DELETE FROM eventstore_events WHERE stream = 'fenced' AND revision = 2`,
		`TRUNCATE eventstore_events`,
	} {
		_, err := pool.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || !strings.Contains(pgErr.Message, "append-only") {
			t.Fatalf("%s: err = %v, want the append-only refusal", sql, err)
		}
	}
	evs, err := s.ReadStream(ctx, "fenced", eventstore.ReadStreamOptions{})
	if err != nil || len(evs) != 3 || eventstore.VerifyStream(evs) != nil {
		t.Fatalf("after refused changes: %d events, err %v, verify %v", len(evs), err, eventstore.VerifyStream(evs))
	}

	// The fence is not the proof: with the trigger off the data changes,
	// and verification names the changed event.
	if _, err := pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = '{"n":600}' WHERE stream = 'fenced' AND revision = 1;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	evs, err = s.ReadStream(ctx, "fenced", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ie *eventstore.IntegrityError
	if err := eventstore.VerifyStream(evs); !errors.As(err, &ie) || ie.Revision != 1 || ie.Stream != "fenced" {
		t.Fatalf("verify after tampering = %v, want revision 1 of fenced named", err)
	}
}

// TestReadStreamsShowsTamperedMetadata: a command's read decodes metadata
// through a cache, which must never hide a changed row: after tampering
// the read returns the new metadata, and the chain names the event.
func TestReadStreamsShowsTamperedMetadata(t *testing.T) {
	ctx := t.Context()
	s, pool := fenced(t)
	read := func() []eventstore.RecordedEvent {
		t.Helper()
		got, err := s.ReadStreams(ctx, eventstore.StreamRead{Stream: "fenced"})
		if err != nil || len(got) != 1 || len(got[0].Events) != 3 {
			t.Fatalf("ReadStreams = %+v, %v", got, err)
		}
		return got[0].Events
	}
	if err := eventstore.VerifyStream(read()); err != nil { // and the cache holds the metadata now
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET metadata = jsonb_set(metadata::jsonb, '{actor_id}', '"mallory"')::json WHERE stream = 'fenced' AND revision = 1;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	evs := read()
	if evs[1].Metadata.ActorID != "mallory" {
		t.Fatalf("tampered metadata read as %+v", evs[1].Metadata)
	}
	var ie *eventstore.IntegrityError
	if err := eventstore.VerifyStream(evs); !errors.As(err, &ie) || ie.Revision != 1 || ie.Stream != "fenced" {
		t.Fatalf("verify after tampering = %v, want revision 1 of fenced named", err)
	}
}
