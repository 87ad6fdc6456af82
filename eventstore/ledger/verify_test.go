package ledger_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

// fixture is a small ledger with recorded digests: streams a (4 events), b
// (3) and c (2), interleaved, a digest every 3 events and at the end.
type fixture struct {
	ctx   context.Context
	store *postgres.Store
	pool  *pgxpool.Pool
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	_, pool := newDB(t)
	ctx := t.Context()
	store := pgtest.EventStore(t, pool)
	f := &fixture{ctx: ctx, store: store, pool: pool}
	for i, s := range []string{"a", "b", "a", "c", "b", "a", "c", "b", "a"} {
		f.append(t, s, fmt.Sprintf(`{"minutes":%d}`, 480+i))
	}
	d := &ledger.Digester{Store: store, Pool: pool, Every: 3}
	f.settle(t)
	if err := d.CatchUp(ctx, true); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) append(t *testing.T, stream, data string) {
	t.Helper()
	_, err := f.store.Append(f.ctx, stream, eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.set", Data: json.RawMessage(data),
		Metadata: eventstore.Metadata{ActorID: "acc-1", ActorRole: "client", OccurredAt: time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
}

// settle waits until $all shows every append (bounded).
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM eventstore_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	for range 500 {
		evs, err := f.store.ReadAll(f.ctx, eventstore.Start, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("$all never showed every event")
}

// tamper runs sql as the superuser with the append-only trigger disabled.
func (f *fixture) tamper(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.pool.Exec(f.ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	defer f.pool.Exec(context.WithoutCancel(f.ctx), `ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`)
	if _, err := f.pool.Exec(f.ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (f *fixture) event(t *testing.T, stream string, rev uint64) eventstore.RecordedEvent {
	t.Helper()
	evs, err := f.store.ReadStream(f.ctx, stream, eventstore.ReadStreamOptions{From: rev, Max: 1})
	if err != nil || len(evs) != 1 {
		t.Fatalf("read %s@%d: %v", stream, rev, err)
	}
	return evs[0]
}

func (f *fixture) verify(t *testing.T, extra ...ledger.Checkpoint) ledger.Report {
	t.Helper()
	rep, err := ledger.Verify(f.ctx, f.store, ledger.VerifyOptions{Pool: f.pool, Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerifyIntactLedger(t *testing.T) {
	f := newFixture(t)
	f.append(t, "a", `{"after":"the last digest"}`) // not yet covered by a digest
	f.settle(t)
	rep := f.verify(t)
	if !rep.Intact() || rep.Events != 10 || rep.Streams != 3 || rep.Digests != 3 {
		t.Fatalf("report %+v (broken: %v), want intact, 10 events, 3 streams, 3 digests", rep, rep.Broken)
	}
}

// Each way of tampering is caught, and the report names the event.
func TestVerifyCatchesTampering(t *testing.T) {
	type want struct {
		stream   string
		revision uint64
		reason   string
	}
	cases := map[string]struct {
		tamper func(t *testing.T, f *fixture) eventstore.RecordedEvent // returns the event to be named (zero: by stream/revision only)
		want   want
	}{
		"change data": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			f.tamper(t, `UPDATE eventstore_events SET data = '{"minutes":600}' WHERE stream = 'a' AND revision = 1`)
			return f.event(t, "a", 1)
		}, want{"a", 1, "hash does not match"}},
		"change metadata": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			f.tamper(t, `UPDATE eventstore_events SET metadata = '{"actor_id":"acc-evil","actor_role":"backoffice","occurred_at":"2026-03-16T09:00:00Z"}' WHERE stream = 'b' AND revision = 0`)
			return f.event(t, "b", 0)
		}, want{"b", 0, "hash does not match"}},
		"delete an event": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			next := f.event(t, "a", 3)
			f.tamper(t, `DELETE FROM eventstore_events WHERE stream = 'a' AND revision = 2`)
			return next
		}, want{"a", 3, "revision 3 where 2 was expected"}},
		"insert a forged event with a made-up hash": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			last := f.event(t, "c", 1)
			f.tamper(t, `INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, prev_hash, hash)
				VALUES ('c', 2, gen_random_uuid(), 'test.set', '{"minutes":900}', '{"occurred_at":"2026-03-16T09:00:00Z"}', $1, sha256('forged'))`, last.Hash[:])
			return f.event(t, "c", 2)
		}, want{"c", 2, "hash does not match"}},
		"insert a correctly chained event before a digest": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			// A new stream's first event, hashed as the adapter would, given
			// the position of the ledger's first transaction.
			forged := eventstore.RecordedEvent{ID: uuid.New(), Stream: "forged", Type: "test.set", Data: json.RawMessage(`{"minutes":900}`)}
			forged.Seal(eventstore.ZeroHash, time.Now())
			first := f.event(t, "a", 0)
			f.tamper(t, `INSERT INTO eventstore_events (xid, seq, stream, revision, event_id, type, data, metadata, created, prev_hash, hash)
				OVERRIDING SYSTEM VALUE VALUES ($1::text::xid8, $2, 'forged', 0, $3, 'test.set', '{"minutes":900}', '{"occurred_at":"0001-01-01T00:00:00Z"}', $4, $5, $6)`,
				fmt.Sprint(first.Position.Commit), int64(first.Position.Prepare)+100000, forged.ID, forged.Created, forged.PrevHash[:], forged.Hash[:])
			return f.event(t, "forged", 0)
		}, want{"forged", 0, "not part of it: inserted afterwards"}},
		"swap two events' order": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			moved := f.event(t, "a", 1)
			f.tamper(t, `UPDATE eventstore_events SET revision = 100 WHERE stream = 'a' AND revision = 1;
				UPDATE eventstore_events SET revision = 1 WHERE stream = 'a' AND revision = 2;
				UPDATE eventstore_events SET revision = 2 WHERE stream = 'a' AND revision = 100`)
			moved.Revision = 2
			return moved
		}, want{"a", 2, "revision 2 where 1 was expected"}},
		"truncate a stream's tail": {func(t *testing.T, f *fixture) eventstore.RecordedEvent {
			f.tamper(t, `DELETE FROM eventstore_events WHERE stream = 'b' AND revision = 2`)
			return eventstore.RecordedEvent{}
		}, want{"b", 2, "its tail was removed"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			named := c.tamper(t, f)
			rep := f.verify(t)
			b := rep.Broken
			if b == nil {
				t.Fatalf("verify found nothing: %+v", rep)
			}
			if b.Stream != c.want.stream || b.Revision != c.want.revision || !strings.Contains(b.Reason, c.want.reason) {
				t.Fatalf("verify names %s; want stream %q revision %d (%s)", b, c.want.stream, c.want.revision, c.want.reason)
			}
			if named.ID != uuid.Nil && (b.EventID != named.ID || b.Position != named.Position) {
				t.Fatalf("verify names event %s at %s, want %s at %s", b.EventID, b.Position, named.ID, named.Position)
			}
		})
	}
}

// Reordering events of different streams leaves every stream's chain
// intact; the recorded digest catches it, naming its position.
func TestVerifyCatchesReorderAcrossStreams(t *testing.T) {
	f := newFixture(t)
	b0, a0 := f.event(t, "b", 0), f.event(t, "a", 0) // $all: a0, b0, a1, ...
	// Each append is its own transaction: trading the xids trades the
	// positions' order (the sequence numbers cannot be updated).
	f.tamper(t, `UPDATE eventstore_events SET xid = $2::text::xid8 WHERE event_id = $1`, b0.ID, fmt.Sprint(a0.Position.Commit))
	f.tamper(t, `UPDATE eventstore_events SET xid = $2::text::xid8 WHERE event_id = $1`, a0.ID, fmt.Sprint(b0.Position.Commit))
	recs, err := ledger.Records(f.ctx, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	rep := f.verify(t)
	if rep.Broken == nil || rep.Broken.Stream != "" || rep.Broken.Position != recs[0].Position || !strings.Contains(rep.Broken.Reason, "digest does not match") {
		t.Fatalf("verify = %v, want the digest at %s named", rep.Broken, recs[0].Position)
	}
}

// A reorder after a digest that still matches is narrowed down to the
// events between that digest and the first that does not (it named only
// the mismatching digest's position, leaving the whole ledger before it).
func TestVerifyNarrowsAReorderDownBetweenDigests(t *testing.T) {
	f := newFixture(t)
	c0, b1 := f.event(t, "c", 0), f.event(t, "b", 1) // $all: a0, b0, a1 | c0, b1, a2 | c1, b2, a3
	f.tamper(t, `UPDATE eventstore_events SET xid = $2::text::xid8 WHERE event_id = $1`, b1.ID, fmt.Sprint(c0.Position.Commit))
	f.tamper(t, `UPDATE eventstore_events SET xid = $2::text::xid8 WHERE event_id = $1`, c0.ID, fmt.Sprint(b1.Position.Commit))
	recs, err := ledger.Records(f.ctx, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	rep := f.verify(t)
	want := "an event after " + recs[0].Position.String() + " (where the last digest before it matches) and at or before this position was changed"
	if rep.Broken == nil || rep.Broken.Position != recs[1].Position || !strings.Contains(rep.Broken.Reason, want) {
		t.Fatalf("verify = %v, want the digest at %s named, after %s", rep.Broken, recs[1].Position, recs[0].Position)
	}
}

// An attacker who rewrites a stream with a valid chain and deletes the
// recorded digests passes the chain checks; the digest the auditor wrote
// down (--digest HEX@POSITION) does not.
func TestVerifyAgainstAnAuditorsDigest(t *testing.T) {
	f := newFixture(t)
	before := f.verify(t)
	if !before.Intact() {
		t.Fatal(before.Broken)
	}
	written := ledger.Checkpoint{Digest: before.Digest, Position: before.Last, Source: "given"}
	parsed, err := ledger.ParseCheckpoint(before.Digest.String() + "@" + before.Last.String())
	if err != nil || parsed.Digest != written.Digest || parsed.Position != written.Position {
		t.Fatalf("ParseCheckpoint: %+v %v", parsed, err)
	}

	evs, err := f.store.ReadStream(f.ctx, "a", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	evs[1].Data = json.RawMessage(`{"minutes":600}`)
	prev := evs[0].Hash
	for i := 1; i < len(evs); i++ {
		evs[i].Seal(prev, evs[i].Created)
		prev = evs[i].Hash
		f.tamper(t, `UPDATE eventstore_events SET data = $1::text::json, prev_hash = $2, hash = $3 WHERE event_id = $4`,
			string(evs[i].Data), evs[i].PrevHash[:], evs[i].Hash[:], evs[i].ID)
	}
	if _, err := f.pool.Exec(f.ctx, `DELETE FROM ledger_digests; DELETE FROM ledger_heads`); err != nil {
		t.Fatal(err)
	}
	if rep := f.verify(t); !rep.Intact() {
		t.Fatalf("a consistently rewritten ledger without digests should pass the chain checks: %v", rep.Broken)
	}
	rep := f.verify(t, parsed)
	if rep.Broken == nil || rep.Broken.Position != written.Position || rep.Broken.Expected != written.Digest {
		t.Fatalf("verify against the auditor's digest = %v, want a mismatch at %s", rep.Broken, written.Position)
	}
}

// The digest job records digests every N events and resumes after a restart
// with the same fold.
func TestDigesterResumes(t *testing.T) {
	f := newFixture(t)
	recs, err := ledger.Records(f.ctx, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Events != 3 || recs[2].Events != 9 {
		t.Fatalf("records %+v, want 3 (every 3 of 9 events)", recs)
	}
	f.append(t, "c", `{"n":1}`)
	f.append(t, "d", `{"n":2}`)
	f.settle(t)
	d := &ledger.Digester{Store: f.store, Pool: f.pool, Every: 100} // a new process
	if err := d.CatchUp(f.ctx, true); err != nil {
		t.Fatal(err)
	}
	rep := f.verify(t)
	if !rep.Intact() || rep.Digests != 4 {
		t.Fatalf("after resuming: %+v %v", rep, rep.Broken)
	}
}
