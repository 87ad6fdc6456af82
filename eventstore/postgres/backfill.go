package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"

	"backoffice/eventstore"
)

// backfillMigration is migration 5: it chains the events stored before the
// hash chain existed (migration 4 added the columns, migration 6 makes them
// NOT NULL and fences the table), once, and records in eventstore_chain when
// the chain started. It runs in the migration's transaction, holding off
// appends (EXCLUSIVE lock) until it commits.
var backfillMigration = goose.NewGoMigration(5, &goose.GoFunc{RunTx: backfillChain}, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM eventstore_chain; UPDATE eventstore_events SET prev_hash = NULL, hash = NULL`)
	return err
}})

// backfillPage is how many events the back-fill reads and updates at once.
const backfillPage = 2000

func backfillChain(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `LOCK TABLE eventstore_events IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("backfill: lock: %w", err)
	}
	var (
		stream   string
		revision int64 = -1
		prev     eventstore.Hash
		total    int64
	)
	for {
		rows, err := tx.QueryContext(ctx, `SELECT xid::text, seq, stream, revision, event_id::text, type, data::text, metadata::text, created
			FROM eventstore_events WHERE (stream, revision) > ($1, $2) ORDER BY stream, revision LIMIT $3`,
			stream, revision, backfillPage)
		if err != nil {
			return fmt.Errorf("backfill: read: %w", err)
		}
		var (
			xids   []string
			seqs   []int64
			prevs  [][]byte
			hashes [][]byte
		)
		for rows.Next() {
			var (
				e          eventstore.RecordedEvent
				xid, id    string
				seq, rev   int64
				data       sql.NullString
				meta       string
				recordedAt time.Time
			)
			if err := rows.Scan(&xid, &seq, &e.Stream, &rev, &id, &e.Type, &data, &meta, &recordedAt); err != nil {
				rows.Close()
				return fmt.Errorf("backfill: read: %w", err)
			}
			if e.ID, err = uuid.Parse(id); err != nil {
				rows.Close()
				return fmt.Errorf("backfill: event id %q: %w", id, err)
			}
			if err := json.Unmarshal([]byte(meta), &e.Metadata); err != nil {
				rows.Close()
				return fmt.Errorf("backfill: event %s: metadata: %w", e.ID, err)
			}
			if data.Valid {
				e.Data = json.RawMessage(data.String)
			}
			if e.Stream != stream {
				prev = eventstore.ZeroHash
			}
			e.Revision = uint64(rev)
			e.Seal(prev, recordedAt)
			prev = e.Hash
			stream, revision = e.Stream, rev
			xids, seqs = append(xids, xid), append(seqs, seq)
			prevs, hashes = append(prevs, e.PrevHash[:]), append(hashes, e.Hash[:])
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("backfill: read: %w", err)
		}
		rows.Close()
		if len(xids) == 0 {
			break
		}
		if _, err := tx.ExecContext(ctx, `UPDATE eventstore_events AS e SET prev_hash = u.p, hash = u.h
			FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[]) AS u(x, s, p, h)
			WHERE e.xid = u.x::xid8 AND e.seq = u.s`, xids, seqs, prevs, hashes); err != nil {
			return fmt.Errorf("backfill: update: %w", err)
		}
		total += int64(len(xids))
	}
	var until sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT xid::text || '/' || seq FROM eventstore_events ORDER BY xid DESC, seq DESC LIMIT 1`).Scan(&until); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("backfill: head: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO eventstore_chain (version, backfilled_events, backfilled_until) VALUES ($1, $2, $3)`,
		eventstore.ChainVersion, total, until); err != nil {
		return fmt.Errorf("backfill: record chain start: %w", err)
	}
	return nil
}
