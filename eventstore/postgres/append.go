package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
)

// lockSQL runs first in every append transaction, as a statement of its own:
// it sets the transaction's durability and plan mode and takes the stream's
// lock, a transaction-scoped advisory lock on (lockClass, hashtext(stream)).
// Appends to one stream queue here; appends to different streams only meet
// on a hash collision, and then merely wait.
//
// Why an advisory lock and not the stream's row: the global position is the
// transaction id, so a transaction must get its xid only once it holds the
// stream's lock (otherwise one that got its xid early but waited longer would
// write a later revision at an earlier position). An advisory lock needs no
// xid and writes no WAL; a row lock (FOR UPDATE) writes a WAL record and
// dirties the row on every append, and an UPDATE used as the lock takes its
// xid before it waits for the row. And because the lock is taken in its own
// statement, the append statement's READ COMMITTED snapshot is taken after
// the lock is held: it sees every append made to the stream before ours.
const lockSQL = `SELECT set_config('synchronous_commit', 'on', true),
	set_config('plan_cache_mode', 'force_generic_plan', true),
	pg_advisory_xact_lock($1::int, hashtext($2::text))`

// lockClass is the first key of the stream locks, so they cannot meet the
// advisory locks of other code (the projectors use single bigint keys, which
// PostgreSQL keeps apart from pairs of int keys anyway).
const lockClass int32 = 0x65766e74 // "evnt"

// appendOneSQL and appendManySQL decide and write an append in one plain
// INSERT, under the stream lock (lockSQL), so its snapshot holds the stream's
// latest state:
//
//   - c.cur is the stream's current revision, -1 for no stream, and c.prev
//     its last event's hash (zero for no stream): the last entry of the
//     (stream, revision) index (there is no table of streams to update on
//     every append). OFFSET 0 keeps c a subquery evaluated once: flattened,
//     the planner copies the lookup into every expression that uses it, and
//     each copy is an index scan of its own.
//   - WHERE is the decision: the current revision must lie in [$3, $4], the
//     expected revision as a range (see expectedRange). When it fails
//     nothing is written, no row comes back, and the caller sorts out why
//     (idempotent repeat, wrong expected revision) after the transaction.
//   - IDs stored already in the stream are not looked up first: UNIQUE
//     (stream, event_id) refuses them and the caller sorts out the repeat
//     after the rollback, so only repeats pay for the lookup. UNIQUE (stream,
//     revision) backs the lock up: two appends never both write a revision.
//   - The hash chain (eventstore/chain.go): the statement only links. Go
//     encodes each event (eventstore.CanonicalParts: head, tail) and the
//     statement hashes prev ‖ head ‖ revision ‖ tail with the revision and
//     previous hash it decided, so the canonical encoding exists once, in
//     Go, and the append stays one round trip. The recorded time (created)
//     comes from Go for the same reason.
//
// A single INSERT is markedly cheaper to execute than the CTEs a statement
// returning the decision as well would need. One event (most commands write
// one) takes its values as plain parameters: unpacking arrays with unnest
// costs the server more than the rest of the statement. Several events are
// linked by eventstore_chain_links (migration 4), one call per append: each
// event's hash is the next one's prev_hash. All this is only the fallback:
// when this process remembers the stream's head (heads.go: a new stream,
// its own last append, a read to the end; a command always reads its stream
// before it appends), Go encodes and links the events itself (linkedStmt)
// and appendLinkedOneSQL or appendLinkedSQL only checks that head under the
// lock (a PL/pgSQL loop of ten sha256 costs the server more than the rest of
// a ten-event append, and even one sha256 with the concatenations feeding it
// shows on a busy server).
const (
	lastEventSQL = `(SELECT coalesce(l.revision, -1) AS cur, coalesce(l.hash, ` + zeroHashSQL + `) AS prev
	FROM (SELECT) AS one LEFT JOIN LATERAL (SELECT e.revision, e.hash FROM eventstore_events AS e
		WHERE e.stream = $1 ORDER BY e.revision DESC LIMIT 1) AS l ON true OFFSET 0)`

	appendOneSQL = `
INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, created, prev_hash, hash)
SELECT $1, c.cur + 1, $2, $5, $6::json, $7::json, $8, c.prev,
	sha256(c.prev || $9::bytea || int8send(c.cur + 1) || $10::bytea)
FROM ` + lastEventSQL + ` AS c
WHERE c.cur BETWEEN $3::bigint AND $4::bigint
RETURNING xid, seq, revision, hash`

	appendManySQL = `
INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, created, prev_hash, hash)
SELECT $1, c.cur + u.ord, u.id, u.type, u.data::json, u.meta::json, $10,
	CASE WHEN u.ord = 1 THEN c.prev ELSE h.links[u.ord - 1] END, h.links[u.ord]
FROM ` + lastEventSQL + ` AS c,
	LATERAL (SELECT eventstore_chain_links(c.prev, $8::bytea, c.cur, $9::bytea[]) AS links OFFSET 0) AS h,
	unnest($2::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(id, type, data, meta, ord)
WHERE c.cur BETWEEN $3::bigint AND $4::bigint
RETURNING xid, seq, revision, hash`

	// appendLinkedOneSQL and appendLinkedSQL are appendOneSQL and
	// appendManySQL with the chain linked in Go from the head this process
	// remembers (heads): they write only when the stream's last event is
	// exactly that head ($3 revision, $4 hash), which also satisfies the
	// expected revision (checked in Go before). The server hashes nothing
	// and receives 32-byte hashes instead of the canonical parts: for a
	// batch, one bytea $9 = head ‖ hash 1 ‖ … ‖ hash n that each row slices
	// its prev_hash and hash from (the links overlap; two bytea[] arrays
	// cost more to send, unpack and unnest).
	appendLinkedOneSQL = `
INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, created, prev_hash, hash)
SELECT $1, c.cur + 1, $2, $5, $6::json, $7::json, $8, c.prev, $9::bytea
FROM ` + lastEventSQL + ` AS c
WHERE c.cur = $3::bigint AND c.prev = $4::bytea
RETURNING xid, seq, revision, hash`

	appendLinkedSQL = `
INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, created, prev_hash, hash)
SELECT $1, c.cur + u.ord, u.id, u.type, u.data::json, u.meta::json, $8,
	substring($9::bytea FROM (32 * u.ord - 31)::int FOR 32), substring($9::bytea FROM (32 * u.ord + 1)::int FOR 32)
FROM ` + lastEventSQL + ` AS c,
	unnest($2::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(id, type, data, meta, ord)
WHERE c.cur = $3::bigint AND c.prev = $4::bytea
RETURNING xid, seq, revision, hash`
)

// conditionsSQL extends an append statement's decision with
// eventstore.Condition: every other stream named in $11 must have its current
// revision (-1: no stream) in [$12, $13]. The append transaction holds a
// shared lock on each of them (lockIfSQL), so none can move between
// this check and the commit.
const conditionsSQL = `
AND NOT EXISTS (SELECT FROM unnest($11::text[], $12::bigint[], $13::bigint[]) AS k(stream, lo, hi)
	WHERE coalesce((SELECT x.revision FROM eventstore_events AS x WHERE x.stream = k.stream
		ORDER BY x.revision DESC LIMIT 1), -1) NOT BETWEEN k.lo AND k.hi)
RETURNING`

// lockIfSQL is lockSQL for an append with conditions: after the appended
// stream's own lock it takes the conditions' streams' locks shared ($3), in
// the same statement, so still before the append statement's snapshot:
// appends to those streams wait for our commit, and we see theirs. The
// shared locks are the lateral side of a nested loop over the own lock's
// row (k refers to own), so they are taken only once that lock is held,
// in stream order. One statement instead of two: each statement costs the
// server its executor start-up and a protocol exchange (docs/BENCHMARKS.md
// §9.12).
const lockIfSQL = `SELECT set_config('synchronous_commit', 'on', true),
	set_config('plan_cache_mode', 'force_generic_plan', true), shared.n
FROM (SELECT pg_advisory_xact_lock($1::int, hashtext($2::text)) AS held OFFSET 0) AS own,
	LATERAL (SELECT count(pg_advisory_xact_lock_shared($1::int, hashtext(k.stream))) AS n
		FROM (SELECT DISTINCT unnest($3::text[]) AS stream, own.held IS NOT NULL AS after ORDER BY 1) AS k) AS shared`

var (
	appendOneIfSQL  = strings.Replace(appendOneSQL, "\nRETURNING", conditionsSQL, 1)
	appendManyIfSQL = strings.Replace(appendManySQL, "\nRETURNING", conditionsSQL, 1)
	// The linked statements have one parameter fewer: their conditions are
	// $10-$12.
	linkedConditionsSQL  = strings.NewReplacer("$11", "$10", "$12", "$11", "$13", "$12").Replace(conditionsSQL)
	appendLinkedOneIfSQL = strings.Replace(appendLinkedOneSQL, "\nRETURNING", linkedConditionsSQL, 1)
	appendLinkedIfSQL    = strings.Replace(appendLinkedSQL, "\nRETURNING", linkedConditionsSQL, 1)
)

// zeroHashSQL is eventstore.ZeroHash as a bytea literal: the prev_hash of a
// stream's first event.
const zeroHashSQL = `'\x0000000000000000000000000000000000000000000000000000000000000000'::bytea`

// currentSQL is a stream's current revision, outside an append.
const currentSQL = `SELECT revision FROM eventstore_events WHERE stream = $1 ORDER BY revision DESC LIMIT 1`

// maxAppendAttempts bounds the retries after a unique violation: each retry
// sees the append that beat us, so one retry settles nearly every race.
const maxAppendAttempts = 8

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (res eventstore.AppendResult, err error) {
	return s.AppendIf(ctx, stream, expected, nil, events...)
}

// AppendIf implements eventstore.Store: the conditions are part of the
// append statement's decision, under shared locks on their streams, so the
// append stays one round trip and is atomic with them.
func (s *Store) AppendIf(ctx context.Context, stream string, expected eventstore.ExpectedRevision, conditions []eventstore.Condition, events ...eventstore.EventData) (res eventstore.AppendResult, err error) {
	start := time.Now()
	defer func() { s.observe("append", start, err) }()
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := eventstore.ValidateConditions(stream, conditions); err != nil {
		return eventstore.AppendResult{}, err
	}
	if s.isClosed() {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	h, known := s.heads.get(stream)
	if !known && expected.IsNoStream() {
		h, known = head{revision: -1, hash: eventstore.ZeroHash}, true
	}
	also := eventstore.InAppendFrom(ctx)
	var linked, stmt appendStmt
	haveLinked := false
	if known {
		if linked, haveLinked, err = linkedStmt(stream, expected, events, h); err != nil {
			return eventstore.AppendResult{}, err
		}
		if haveLinked {
			linked = withConditions(linked, conditions, appendLinkedOneIfSQL, appendLinkedIfSQL, len(events))
		}
	}
	// ordinary builds the statement that decides and links on the server,
	// only when it is needed: without a usable head, or after a stale one.
	ordinary := func() (appendOutcome, error) {
		if stmt.sql == "" {
			var err error
			if stmt, err = newAppendStmt(stream, expected, events, conditions); err != nil {
				return appendOutcome{}, err
			}
		}
		return s.tryAppend(ctx, stream, stmt, also, s.heldTx(also))
	}
	for attempt := 1; ; attempt++ {
		var out appendOutcome
		var err error
		if haveLinked {
			// One try with the remembered head; stale (or a condition
			// failed), it wrote nothing and the ordinary statement decides
			// (and links) instead.
			haveLinked = false
			out, err = s.tryAppend(ctx, stream, linked, also, s.heldTx(also))
			switch {
			case err == nil && out.ok:
				s.linkedAppends.Add(1)
			case err == nil:
				s.heads.drop(stream)
				s.staleHeads.Add(1)
				out, err = ordinary()
			}
		} else {
			out, err = ordinary()
		}
		if errors.Is(err, eventstore.ErrInvalidAppend) {
			return eventstore.AppendResult{}, err
		}
		var inAppendErr *inAppendError
		switch {
		case errors.As(err, &inAppendErr):
			// The caller's statement failed: the append went with it.
			also.Failed(inAppendErr.err)
			return eventstore.AppendResult{}, classify("append", err)
		case err == nil && out.ok:
			s.committed(out.xid)
			s.heads.put(stream, head{revision: out.revision, hash: out.hash})
			return eventstore.AppendResult{
				NextExpectedRevision: uint64(out.revision),
				Position:             eventstore.Position{Commit: out.xid, Prepare: uint64(out.seq)},
			}, nil
		case err == nil:
			// The condition failed. A repeat of the append that moved the
			// stream on must still get its original result.
			res, found, err := s.findRepeat(ctx, stream, events)
			if found || err != nil {
				return res, err
			}
			wrong, err := s.wrongRevision(ctx, stream, expected)
			if err != nil {
				return eventstore.AppendResult{}, err
			}
			if wrong.Expected.Satisfied(wrong.Actual, wrong.StreamExists) {
				// Our stream was as expected: a condition failed.
				for _, c := range conditions {
					w, err := s.wrongRevision(ctx, c.Stream, c.Expected)
					if err != nil {
						return eventstore.AppendResult{}, err
					}
					if !c.Expected.Satisfied(w.Actual, w.StreamExists) {
						return eventstore.AppendResult{}, w
					}
				}
				// Every condition holds now, and our stream too: both
				// moved after the statement (streams only grow, so an
				// Exact condition cannot hold again). Report our stream.
			}
			return eventstore.AppendResult{}, wrong
		case isUniqueViolation(err, eventIDConstraint):
			// Some ID is stored in the stream already: an idempotent
			// repeat, or ErrDuplicateEventID.
			res, found, ferr := s.findRepeat(ctx, stream, events)
			if found || ferr != nil {
				return res, ferr
			}
			if attempt < maxAppendAttempts {
				continue // the stored ID was rolled back meanwhile
			}
			return eventstore.AppendResult{}, classify("append", err)
		case isUniqueViolation(err, "") && attempt < maxAppendAttempts:
			// Under the stream lock only a writer that bypasses it can
			// beat us to a revision; the next attempt sees its append.
			continue
		case isDataError(err):
			return eventstore.AppendResult{}, fmt.Errorf("%w: stream %q: %v", eventstore.ErrInvalidAppend, stream, err)
		default:
			return eventstore.AppendResult{}, classify("append", err)
		}
	}
}

// wrongRevision reads stream's current revision into the error an append
// expecting expected gets.
func (s *Store) wrongRevision(ctx context.Context, stream string, expected eventstore.ExpectedRevision) (*eventstore.WrongExpectedRevisionError, error) {
	wrong := &eventstore.WrongExpectedRevisionError{Stream: stream, Expected: expected}
	var cur int64
	switch err := s.pool.QueryRow(ctx, currentSQL, stream).Scan(&cur); {
	case err == nil:
		wrong.Actual, wrong.StreamExists = uint64(cur), true
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, classify("append", err)
	}
	return wrong, nil
}

// eventIDConstraint is UNIQUE (stream, event_id) of eventstore_events.
const eventIDConstraint = "eventstore_events_stream_event_id_key"

type appendOutcome struct {
	ok       bool
	xid      uint64
	seq      int64
	revision int64
	hash     eventstore.Hash // the last event's
}

// appendStmt is an append statement with its parameters, and the streams
// of its conditions to lock shared.
type appendStmt struct {
	sql   string
	args  []any
	locks []string // AppendIf's condition streams, locked shared
}

// chainBufs are the buffers linkedStmt encodes events into: prev ‖
// canonical, the input of one SHA-256, reused from append to append.
var chainBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// linkedStmt is the statement for events linked in Go onto h, the stream's
// remembered head: appendLinkedOneSQL or appendLinkedSQL. false when the
// head does not meet the expected revision (the ordinary statement then
// returns the refusal).
func linkedStmt(stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData, h head) (appendStmt, bool, error) {
	if lo, hi := expectedRange(expected); h.revision < lo || h.revision > hi {
		return appendStmt{}, false, nil
	}
	meta, err := metadataJSON(events)
	if err != nil {
		return appendStmt{}, false, err
	}
	recorded := eventstore.RecordedTime(time.Now())
	// One allocation for every hash: links = head ‖ hash 1 ‖ … ‖ hash n,
	// event i's prev_hash and hash are links[i] and links[i+1].
	links := make([]byte, eventstore.HashSize*(len(events)+1))
	copy(links, h.hash[:])
	buf := chainBufs.Get().(*[]byte)
	prev := h.hash
	for i, e := range events {
		b := append((*buf)[:0], prev[:]...)
		b = eventstore.AppendCanonical(b, stream, uint64(h.revision+1+int64(i)), e.Type, e.ID, e.Data, e.Metadata, recorded)
		prev = sha256.Sum256(b) // = eventstore.ChainHash(prev, canonical)
		copy(links[eventstore.HashSize*(i+1):], prev[:])
		*buf = b
	}
	chainBufs.Put(buf)
	if len(events) == 1 {
		e := events[0]
		var data any // untyped nil: NULL
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		return appendStmt{sql: appendLinkedOneSQL, args: []any{stream, pgUUID(e.ID), h.revision, links[:eventstore.HashSize],
			e.Type, data, meta[0], recorded, links[eventstore.HashSize:]}}, true, nil
	}
	ids, types, data := arrayColumns(events)
	return appendStmt{sql: appendLinkedSQL, args: []any{stream, ids, h.revision, links[:eventstore.HashSize],
		types, data, meta, recorded, links}}, true, nil
}

// metadataJSON is each event's metadata as the JSON the table stores.
func metadataJSON(events []eventstore.EventData) ([]string, error) {
	meta := make([]string, len(events))
	for i, e := range events {
		m, err := json.Marshal(e.Metadata)
		if err != nil {
			return nil, fmt.Errorf("%w: event %d metadata: %v", eventstore.ErrInvalidAppend, i, err)
		}
		meta[i] = string(m)
	}
	return meta, nil
}

// arrayColumns are the events' IDs, types and payloads as the array
// parameters of a statement appending several events (nil: NULL).
func arrayColumns(events []eventstore.EventData) (ids []pgtype.UUID, types []string, data []*string) {
	ids, types, data = make([]pgtype.UUID, len(events)), make([]string, len(events)), make([]*string, len(events))
	for i, e := range events {
		ids[i], types[i] = pgUUID(e.ID), e.Type
		if len(e.Data) > 0 {
			d := string(e.Data)
			data[i] = &d
		}
	}
	return ids, types, data
}

// newAppendStmt builds the statement for events: appendOneSQL for one event,
// appendManySQL for more. An event without payload stores NULL.
func newAppendStmt(stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData, conditions []eventstore.Condition) (appendStmt, error) {
	st, err := newPlainAppendStmt(stream, expected, events)
	if err != nil {
		return st, err
	}
	return withConditions(st, conditions, appendOneIfSQL, appendManyIfSQL, len(events)), nil
}

// withConditions turns st into oneSQL (one event) or manySQL, the same
// statement deciding on conditions as well (conditionsSQL), with their
// parameters; st itself when there are none.
func withConditions(st appendStmt, conditions []eventstore.Condition, oneSQL, manySQL string, events int) appendStmt {
	if len(conditions) == 0 {
		return st
	}
	names := make([]string, len(conditions))
	los, his := make([]int64, len(conditions)), make([]int64, len(conditions))
	for i, c := range conditions {
		names[i] = c.Stream
		los[i], his[i] = expectedRange(c.Expected)
	}
	st.sql = oneSQL
	if events > 1 {
		st.sql = manySQL
	}
	st.args = append(st.args, names, los, his)
	st.locks = names
	return st
}

func newPlainAppendStmt(stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData) (appendStmt, error) {
	lo, hi := expectedRange(expected)
	recorded := eventstore.RecordedTime(time.Now())
	meta, err := metadataJSON(events)
	if err != nil {
		return appendStmt{}, err
	}
	var head []byte
	tails := make([][]byte, len(events))
	for i, e := range events {
		head, tails[i] = eventstore.CanonicalParts(stream, e.Type, e.ID, e.Data, e.Metadata, recorded)
	}
	if len(events) == 1 {
		e := events[0]
		var data any // untyped nil: NULL
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		return appendStmt{sql: appendOneSQL, args: []any{stream, pgUUID(e.ID), lo, hi, e.Type, data, meta[0], recorded, head, tails[0]}}, nil
	}
	ids, types, data := arrayColumns(events)
	return appendStmt{sql: appendManySQL, args: []any{stream, ids, lo, hi, types, data, meta, head, tails, recorded}}, nil
}

// pgUUID is id as pgx encodes it directly: uuid.UUID is a driver.Valuer,
// which pgx would format as a string and the server parse again.
func pgUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: true} }

// expectedRange turns an expected revision into the range [lo, hi] the
// stream's current revision (-1: no stream) must lie in.
func expectedRange(expected eventstore.ExpectedRevision) (lo, hi int64) {
	switch {
	case expected.IsNoStream():
		return -1, -1
	case expected.IsStreamExists():
		return 0, math.MaxInt64
	}
	if r, ok := expected.Exact(); ok {
		if r > math.MaxInt64 {
			return -2, -2 // no stream can have that revision
		}
		return int64(r), int64(r)
	}
	return -1, math.MaxInt64 // any
}

// inAppendSQL runs the caller's eventstore.InAppend statement after the
// append statement, in its transaction: appended has one row, the append's
// position, only when the transaction wrote events (it has an xid then: the
// lock and a failed decision assign none, so a failed append writes nothing
// of the caller's either). currval is the session's last seq: the append's
// last event.
//
// The seq column's sequence is named by its OID (%d), looked up once by New:
// pg_get_serial_sequence in the statement would look it up in the catalogs
// (a pg_depend index scan) on every command (docs/BENCHMARKS.md §9.12).
const inAppendSQL = `WITH appended AS MATERIALIZED (
	SELECT pg_current_xact_id_if_assigned()::text || '-' ||
		currval(%d::oid::regclass)::text AS position
	WHERE pg_current_xact_id_if_assigned() IS NOT NULL)
`

// inAppendError is the failure of the caller's statement (InAppend): the
// append is rolled back with it and not retried.
type inAppendError struct{ err error }

func (e *inAppendError) Error() string {
	return "statement in the append transaction: " + e.err.Error()
}
func (e *inAppendError) Unwrap() error { return e.err }

// tryAppend runs one append transaction in a single round trip: BEGIN, the
// durability setting, the statement, the caller's statement in the append
// (also, when not nil) and COMMIT are pipelined. The result is acknowledged
// only once COMMIT has returned.
//
// With held (the command's transaction, begun by its ReadStreams: cmdTx)
// it runs on that connection and commits that transaction; BEGIN is sent
// only when none is open.
func (s *Store) tryAppend(ctx context.Context, stream string, stmt appendStmt, also *eventstore.InAppend, held *cmdTx) (out appendOutcome, err error) {
	var conn *pgxpool.Conn
	begin := true
	if held != nil {
		conn, begin = held.conn, !held.open
		defer held.end() // committed, or rolled back after an error
	} else {
		if conn, err = s.pool.Acquire(ctx); err != nil {
			return out, err
		}
		defer func() {
			// After an error the transaction is left aborted; end it so the
			// connection can go back to the pool (Release would destroy it).
			if conn.Conn().PgConn().TxStatus() != 'I' && !conn.Conn().IsClosed() {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				_, _ = conn.Exec(rctx, "ROLLBACK")
				cancel()
			}
			conn.Release()
		}()
	}

	b := &pgx.Batch{}
	if begin {
		b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	}
	// Durability is set on the transaction, whatever the session or
	// database says. The statement is written to be index-driven for any
	// parameters, so its generic plan is always right; forcing it saves
	// planning the statement again on every append.
	if len(stmt.locks) > 0 {
		b.Queue(lockIfSQL, lockClass, stream, stmt.locks)
	} else {
		b.Queue(lockSQL, lockClass, stream)
	}
	b.Queue(stmt.sql, stmt.args...)
	if also != nil {
		b.Queue(s.inAppendSQL+also.SQL, also.Args...)
	}
	b.Queue("COMMIT")
	br := conn.SendBatch(ctx, b)
	var alsoTag pgconn.CommandTag
	if begin {
		_, err = br.Exec()
	}
	if err == nil {
		if _, err = br.Exec(); err == nil {
			out, err = scanAppended(br.Query())
		}
		if err == nil && also != nil {
			if alsoTag, err = br.Exec(); err != nil {
				err = &inAppendError{err: err}
			}
		}
		if err == nil {
			var tag pgconn.CommandTag
			if tag, err = br.Exec(); err == nil && tag.String() != "COMMIT" {
				err = fmt.Errorf("commit ended with %q", tag.String())
			}
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return appendOutcome{}, err
	}
	if also != nil {
		also.Committed(out.ok && alsoTag.RowsAffected() > 0)
	}
	return out, nil
}

// scanAppended reads the rows an append statement returns: none when the condition
// failed, else one per event; the result is the last event's.
func scanAppended(rows pgx.Rows, err error) (out appendOutcome, _ error) {
	if err != nil {
		return out, err
	}
	defer rows.Close()
	var xid uint64
	var seq, rev int64
	var hash []byte
	for rows.Next() {
		if err := rows.Scan(&xid, &seq, &rev, &hash); err != nil {
			return appendOutcome{}, err
		}
		if !out.ok || rev > out.revision {
			out = appendOutcome{ok: true, xid: xid, seq: seq, revision: rev}
			out.hash, _ = eventstore.HashFromBytes(hash)
		}
	}
	return out, rows.Err()
}

// findRepeat looks up the events' IDs in the stream. found is false when none
// is stored. When all are, as the consecutive events of one earlier append in
// the same order, it returns that append's result; any other overlap is
// eventstore.ErrDuplicateEventID.
func (s *Store) findRepeat(ctx context.Context, stream string, events []eventstore.EventData) (res eventstore.AppendResult, found bool, err error) {
	ids := make([]pgtype.UUID, len(events))
	for i, e := range events {
		ids[i] = pgUUID(e.ID)
	}
	rows, err := s.pool.Query(ctx, `SELECT e.event_id, e.revision, e.xid, e.seq
		FROM unnest($2::uuid[]) AS i(id), LATERAL (
			SELECT * FROM eventstore_events AS x WHERE x.stream = $1 AND x.event_id = i.id LIMIT 1) AS e
		ORDER BY e.revision`, stream, ids)
	if err != nil {
		return res, false, classify("append", err)
	}
	type stored struct {
		id       uuid.UUID
		revision int64
		xid      uint64
		seq      int64
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
		var st stored
		err := r.Scan(&st.id, &st.revision, &st.xid, &st.seq)
		return st, err
	})
	if err != nil {
		return res, false, classify("append", err)
	}
	if len(got) == 0 {
		return res, false, nil
	}
	dup := fmt.Errorf("%w: stream %q", eventstore.ErrDuplicateEventID, stream)
	if len(got) != len(events) {
		return res, true, dup
	}
	// One transaction is one append, so "one earlier append" means: the same
	// transaction, consecutive revisions in our order, and no event of that
	// transaction just before or after them in the stream.
	for i, st := range got {
		if st.id != events[i].ID || st.xid != got[0].xid || st.revision != got[0].revision+int64(i) {
			return res, true, dup
		}
	}
	last := got[len(got)-1]
	var more bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM eventstore_events
		WHERE stream = $1 AND revision IN ($2, $3) AND xid = $4)`,
		stream, got[0].revision-1, last.revision+1, last.xid).Scan(&more)
	if err != nil {
		return res, true, classify("append", err)
	}
	if more {
		return res, true, dup
	}
	return eventstore.AppendResult{
		NextExpectedRevision: uint64(last.revision),
		Position:             eventstore.Position{Commit: last.xid, Prepare: uint64(last.seq)},
	}, true, nil
}
