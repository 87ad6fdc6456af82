package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"backoffice/eventstore"
)

// AppendInTx takes the stream lock and runs the append statement inside tx,
// so a test can hold an append's transaction open.
func AppendInTx(ctx context.Context, tx pgx.Tx, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (ok bool, err error) {
	stmt, err := newAppendStmt(stream, expected, events, nil)
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, lockSQL, lockClass, stream); err != nil {
		return false, err
	}
	out, err := scanAppended(tx.Query(ctx, stmt.sql, stmt.args...))
	return out.ok, err
}

// GoMigrations is the number of migrations written in Go (the back-fill).
const GoMigrations = 1

// MigrateTo migrates the event store schema up to version upTo only, so a
// test can store events as an older version did.
func MigrateTo(ctx context.Context, connString string, upTo int64) error {
	return migrate(ctx, connString, upTo)
}

// Unchained statements are the append statements as they were before the
// hash chain: created from now(), prev_hash and hash constant. The benchmark
// measures the chain's cost against them (x-unchained).
const (
	unchainedOneSQL = `
INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, prev_hash, hash)
SELECT $1, c.cur + 1, $2, $5, $6::json, $7::json, ` + zeroHashSQL + `, ` + zeroHashSQL + `
FROM (SELECT coalesce((SELECT e.revision FROM eventstore_events AS e WHERE e.stream = $1
		ORDER BY e.revision DESC LIMIT 1), -1) AS cur OFFSET 0) AS c
WHERE c.cur BETWEEN $3::bigint AND $4::bigint
RETURNING xid, seq, revision, hash`

	unchainedManySQL = `
INSERT INTO eventstore_events (stream, revision, event_id, type, data, metadata, prev_hash, hash)
SELECT $1, c.cur + u.ord, u.id, u.type, u.data::json, u.meta::json, ` + zeroHashSQL + `, ` + zeroHashSQL + `
FROM (SELECT coalesce((SELECT e.revision FROM eventstore_events AS e WHERE e.stream = $1
		ORDER BY e.revision DESC LIMIT 1), -1) AS cur OFFSET 0) AS c,
	unnest($2::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(id, type, data, meta, ord)
WHERE c.cur BETWEEN $3::bigint AND $4::bigint
RETURNING xid, seq, revision, hash`
)

// AppendUnchained appends like Append did before the hash chain: the same
// validation, lock, round trip and decision, the same metric and commit
// announcement (committed: the NOTIFY that wakes other processes), without
// encoding or hashing. Without the announcement the reference skipped work
// Append did before the chain as well, and x-unchained charged the NOTIFY
// traffic to the chain.
func (s *Store) AppendUnchained(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (err error) {
	start := time.Now()
	defer func() { s.observe("append", start, err) }()
	if err := eventstore.Validate(stream, events); err != nil {
		return err
	}
	lo, hi := expectedRange(expected)
	stmt, err := unchainedStmt(stream, lo, hi, events)
	if err != nil {
		return err
	}
	out, err := s.tryAppend(ctx, stream, stmt, nil, nil)
	if err == nil && !out.ok {
		return fmt.Errorf("unchained append to %q: condition failed", stream)
	}
	if err == nil {
		s.committed(out.xid)
	}
	return err
}

// LinkedAppends counts the appends whose chain was linked in Go, and the
// linked attempts that found the remembered head stale.
func (s *Store) LinkedAppends() (linked, stale uint64) {
	return s.linkedAppends.Load(), s.staleHeads.Load()
}

// ListenLockSQL takes the shared lock a store's LISTEN connection holds, so
// a test's own connection counts as a listener of channel.
func ListenLockSQL(channel string) (string, []any) {
	return `SELECT pg_advisory_lock_shared($1, $2)`, []any{listenLockClass, channelKey(channel)}
}

// unchainedStmt is the append statement and its parameters as the code
// before the chain built them.
func unchainedStmt(stream string, lo, hi int64, events []eventstore.EventData) (appendStmt, error) {
	meta := make([]string, len(events))
	for i, e := range events {
		m, err := json.Marshal(e.Metadata)
		if err != nil {
			return appendStmt{}, err
		}
		meta[i] = string(m)
	}
	if len(events) == 1 {
		e := events[0]
		var data any
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		return appendStmt{sql: unchainedOneSQL, args: []any{stream, pgUUID(e.ID), lo, hi, e.Type, data, meta[0]}}, nil
	}
	ids := make([]pgtype.UUID, len(events))
	types := make([]string, len(events))
	data := make([]*string, len(events))
	for i, e := range events {
		ids[i], types[i] = pgUUID(e.ID), e.Type
		if len(e.Data) > 0 {
			d := string(e.Data)
			data[i] = &d
		}
	}
	return appendStmt{sql: unchainedManySQL, args: []any{stream, ids, lo, hi, types, data, meta}}, nil
}

// ReadStreamsSQL is the statement behind ReadStreams, for a test that
// looks at the order its rows come in.
const ReadStreamsSQL = readStreamsSQL

// LockIfInTx runs the stream lock of an append with conditions (lockIfSQL)
// inside tx: own exclusively, the conditions' streams shared.
func LockIfInTx(ctx context.Context, tx pgx.Tx, own string, conditions ...string) error {
	_, err := tx.Exec(ctx, lockIfSQL, lockClass, own, conditions)
	return err
}

// TryStreamLock tries the stream lock of stream in tx, exclusive or
// shared, without waiting.
func TryStreamLock(ctx context.Context, tx pgx.Tx, stream string, shared bool) (bool, error) {
	fn := "pg_try_advisory_xact_lock"
	if shared {
		fn += "_shared"
	}
	var ok bool
	err := tx.QueryRow(ctx, `SELECT `+fn+`($1::int, hashtext($2::text))`, lockClass, stream).Scan(&ok)
	return ok, err
}
