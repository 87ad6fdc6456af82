package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/eventstore"
)

// appendSQL decides and writes an append in one statement:
//
//   - cur locks the stream's row, so appends to one stream queue here. After
//     waiting, READ COMMITTED hands back the row's latest version, so the
//     revision check and the new revisions use the committed state.
//   - dups counts event IDs already in the stream, one index probe per ID
//     (LATERAL ... LIMIT 1 keeps a generic plan from scanning the whole
//     stream and filtering on the IDs). It sees the statement's
//     snapshot, which may predate the append we waited for; a duplicate it
//     misses is caught by UNIQUE (stream, event_id) and the append retried.
//   - ok is the decision; when false nothing is written and the caller sorts
//     out why (idempotent repeat, duplicate IDs, wrong expected revision).
//   - upd moves the locked row on; crt creates the row of a new stream. A
//     stream without a row cannot be locked: two appends creating it both
//     insert it (and revision 0), and the unique constraints stop the second.
//
// $3 is the kind of expected revision: 0 any, 1 no stream, 2 stream exists,
// 3 exact ($4).
const appendSQL = `
WITH cur AS (
	SELECT revision FROM eventstore_streams WHERE stream = $1 FOR UPDATE
), chk AS MATERIALIZED (
	SELECT c.revision AS cur,
		(SELECT count(*) FROM unnest($2::uuid[]) AS i(id), LATERAL (
			SELECT FROM eventstore_events AS e WHERE e.stream = $1 AND e.event_id = i.id LIMIT 1) AS hit) AS dups
	FROM (SELECT) AS one LEFT JOIN cur AS c ON true
), dec AS (
	SELECT cur, dups, dups = 0 AND CASE $3::int
		WHEN 1 THEN cur IS NULL
		WHEN 2 THEN cur IS NOT NULL
		WHEN 3 THEN cur IS NOT DISTINCT FROM $4::bigint
		ELSE true END AS ok
	FROM chk
), ins AS (
	INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata)
	SELECT $1, coalesce(d.cur, -1) + u.ord, u.id, u.type, nullif(u.data, '')::json, u.meta::jsonb
	FROM dec AS d,
		unnest($2::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(id, type, data, meta, ord)
	WHERE d.ok
	RETURNING xid, seq, revision
), upd AS (
	UPDATE eventstore_streams AS s SET revision = d.cur + cardinality($2::uuid[])
	FROM dec AS d WHERE d.ok AND d.cur IS NOT NULL AND s.stream = $1
), crt AS (
	INSERT INTO eventstore_streams (stream, revision)
	SELECT $1, cardinality($2::uuid[]) - 1 FROM dec AS d WHERE d.ok AND d.cur IS NULL
)
SELECT d.cur, d.dups, d.ok, l.xid, l.seq, l.revision
FROM dec AS d LEFT JOIN LATERAL (SELECT xid, seq, revision FROM ins ORDER BY revision DESC LIMIT 1) AS l ON true`

// maxAppendAttempts bounds the retries after a unique violation: each retry
// sees the append that beat us, so one retry settles nearly every race.
const maxAppendAttempts = 8

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (res eventstore.AppendResult, err error) {
	start := time.Now()
	defer func() { s.observe("append", start, err) }()
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if s.isClosed() {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	args, err := appendArgs(stream, expected, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	for attempt := 1; ; attempt++ {
		out, err := s.tryAppend(ctx, args)
		switch {
		case err == nil && out.ok:
			s.committed(out.xid)
			return eventstore.AppendResult{
				NextExpectedRevision: uint64(out.revision),
				Position:             eventstore.Position{Commit: out.xid, Prepare: uint64(out.seq)},
			}, nil
		case err == nil && out.dups > 0:
			return s.repeated(ctx, stream, events)
		case err == nil:
			// The condition failed. The duplicate count may come from a
			// snapshot older than the append that moved the stream on, so
			// look again before calling it a conflict: a repeat of that very
			// append must get its original result.
			res, found, err := s.findRepeat(ctx, stream, events)
			if found || err != nil {
				return res, err
			}
			wrong := &eventstore.WrongExpectedRevisionError{Stream: stream, Expected: expected}
			if out.cur != nil {
				wrong.Actual, wrong.StreamExists = uint64(*out.cur), true
			}
			return eventstore.AppendResult{}, wrong
		case isUniqueViolation(err) && attempt < maxAppendAttempts:
			continue // a concurrent append won; the next attempt sees it
		case isDataError(err):
			return eventstore.AppendResult{}, fmt.Errorf("%w: stream %q: %v", eventstore.ErrInvalidAppend, stream, err)
		default:
			return eventstore.AppendResult{}, classify("append", err)
		}
	}
}

type appendOutcome struct {
	cur      *int64
	dups     int64
	ok       bool
	xid      uint64
	seq      int64
	revision int64
}

// appendArgs are the parameters of appendSQL.
func appendArgs(stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData) ([]any, error) {
	kind, rev := 0, int64(-1)
	switch {
	case expected.IsNoStream():
		kind = 1
	case expected.IsStreamExists():
		kind = 2
	default:
		if r, ok := expected.Exact(); ok {
			kind = 3
			if r <= math.MaxInt64 {
				rev = int64(r)
			} // else: no stream can have that revision; -1 never matches
		}
	}
	ids := make([]uuid.UUID, len(events))
	types := make([]string, len(events))
	data := make([]string, len(events))
	meta := make([]string, len(events))
	for i, e := range events {
		m, err := json.Marshal(e.Metadata)
		if err != nil {
			return nil, fmt.Errorf("%w: event %d metadata: %v", eventstore.ErrInvalidAppend, i, err)
		}
		ids[i], types[i], data[i], meta[i] = e.ID, e.Type, string(e.Data), string(m)
	}
	return []any{stream, ids, kind, rev, types, data, meta}, nil
}

// tryAppend runs one append transaction in a single round trip: BEGIN, the
// durability setting, the statement and COMMIT are pipelined. The result is
// acknowledged only once COMMIT has returned.
func (s *Store) tryAppend(ctx context.Context, args []any) (out appendOutcome, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
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

	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	// Durability is set on the transaction, whatever the session or
	// database says. The statement is written to be index-driven for any
	// parameters, so its generic plan is always right; forcing it saves
	// planning the statement again on every append.
	b.Queue("SELECT set_config('synchronous_commit', 'on', true), set_config('plan_cache_mode', 'force_generic_plan', true)")
	b.Queue(appendSQL, args...)
	b.Queue("COMMIT")
	br := conn.SendBatch(ctx, b)
	var xid *uint64
	var seq, rev *int64
	if _, err = br.Exec(); err == nil {
		if _, err = br.Exec(); err == nil {
			if err = br.QueryRow().Scan(&out.cur, &out.dups, &out.ok, &xid, &seq, &rev); err == nil {
				var tag pgconn.CommandTag
				if tag, err = br.Exec(); err == nil && tag.String() != "COMMIT" {
					err = fmt.Errorf("commit ended with %q", tag.String())
				}
			}
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return appendOutcome{}, err
	}
	if out.ok {
		if xid == nil || seq == nil || rev == nil {
			return appendOutcome{}, errors.New("append wrote no rows")
		}
		out.xid, out.seq, out.revision = *xid, *seq, *rev
	}
	return out, nil
}

// repeated resolves an append some of whose IDs are stored already.
func (s *Store) repeated(ctx context.Context, stream string, events []eventstore.EventData) (eventstore.AppendResult, error) {
	res, found, err := s.findRepeat(ctx, stream, events)
	if err != nil || found {
		return res, err
	}
	// The IDs vanished between the two statements: impossible for an
	// append-only table, so refuse rather than guess.
	return eventstore.AppendResult{}, fmt.Errorf("%w: stream %q", eventstore.ErrDuplicateEventID, stream)
}

// findRepeat looks up the events' IDs in the stream. found is false when none
// is stored. When all are, as the consecutive events of one earlier append in
// the same order, it returns that append's result; any other overlap is
// eventstore.ErrDuplicateEventID.
func (s *Store) findRepeat(ctx context.Context, stream string, events []eventstore.EventData) (res eventstore.AppendResult, found bool, err error) {
	ids := make([]uuid.UUID, len(events))
	for i, e := range events {
		ids[i] = e.ID
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
