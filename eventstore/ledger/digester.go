package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
)

// Defaults of Digester.
const (
	DefaultEvery     = 1000
	DefaultInterval  = 5 * time.Minute
	DefaultPoll      = time.Second
	DefaultLockRetry = 5 * time.Second
	readPage         = 500
)

// Digester is the global digest job. Run it in every instance: only the one
// holding the advisory lock works. CatchUp is the job's step, for tests and
// for `backoffice verify` on a database without a running job.
type Digester struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	// Every records a digest after this many events (DefaultEvery); Interval
	// records one when new events have waited this long (DefaultInterval).
	Every    int
	Interval time.Duration
	// Poll is how often the leader looks for new events; LockRetry how often
	// a standby tries the lock.
	Poll, LockRetry time.Duration
	Log             *slog.Logger

	pos        eventstore.Position
	digest     eventstore.Hash
	events     int64
	pending    int // events folded since the last record
	heads      map[string]head
	lastRecord time.Time
	loaded     bool
}

type head struct {
	revision uint64
	hash     eventstore.Hash
}

func (d *Digester) defaults() {
	if d.Every <= 0 {
		d.Every = DefaultEvery
	}
	if d.Interval <= 0 {
		d.Interval = DefaultInterval
	}
	if d.Poll <= 0 {
		d.Poll = DefaultPoll
	}
	if d.LockRetry <= 0 {
		d.LockRetry = DefaultLockRetry
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
}

// lockSQL is the digest job's session advisory lock.
const lockSQL = `SELECT pg_try_advisory_lock(hashtextextended('backoffice.ledger.digest', 0))`

// Run holds the job until ctx ends: standby until it gets the lock, then
// fold and record; a lost lock session sends it back to standby.
func (d *Digester) Run(ctx context.Context) error {
	if d.Store == nil || d.Pool == nil {
		return errors.New("ledger: digester needs Store and Pool")
	}
	d.defaults()
	for ctx.Err() == nil {
		err := d.lead(ctx)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			d.Log.Warn("ledger: digest job", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(d.LockRetry):
		}
	}
	return nil
}

// lead tries the lock once; holding it, it folds until ctx ends or an error.
func (d *Digester) lead(ctx context.Context) error {
	pc, err := d.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	conn := pc.Hijack()
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = conn.Exec(cctx, "SELECT pg_advisory_unlock_all()")
		_ = conn.Close(cctx)
	}()
	var held bool
	if err := conn.QueryRow(ctx, lockSQL).Scan(&held); err != nil || !held {
		return err
	}
	d.loaded = false // another instance may have recorded meanwhile
	for {
		if err := d.CatchUp(ctx, false); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d.Poll):
		}
		if err := conn.Ping(ctx); err != nil {
			return fmt.Errorf("lock session lost: %w", err)
		}
	}
}

// CatchUp folds every event visible after the last record and records a
// digest every Every events, and at the end when force is set or Interval
// has passed since the last record (only when there is something new).
// Only one process may run it at a time (Run's lock sees to that).
func (d *Digester) CatchUp(ctx context.Context, force bool) error {
	d.defaults()
	if !d.loaded {
		if err := d.load(ctx); err != nil {
			return err
		}
	}
	for {
		page, err := d.Store.ReadAll(ctx, d.pos, readPage)
		if err != nil {
			return fmt.Errorf("ledger: digest: %w", err)
		}
		for _, e := range page {
			d.digest = Fold(d.digest, e.Hash)
			d.events++
			d.pending++
			d.pos = e.Position
			d.heads[e.Stream] = head{revision: e.Revision, hash: e.Hash}
			if d.pending >= d.Every {
				if err := d.record(ctx); err != nil {
					return err
				}
			}
		}
		if len(page) < readPage {
			break
		}
	}
	if d.pending > 0 && (force || time.Since(d.lastRecord) >= d.Interval) {
		return d.record(ctx)
	}
	return nil
}

// load resumes from the newest record.
func (d *Digester) load(ctx context.Context) error {
	d.pos, d.digest, d.events, d.pending = eventstore.Start, eventstore.ZeroHash, 0, 0
	d.heads = map[string]head{}
	// No record yet: the first pass records at once (time zero is long
	// ago), rather than an Interval after the job started, which a server
	// restarted more often than that never reached.
	d.lastRecord = time.Time{}
	var c, p int64
	var dig []byte
	err := d.Pool.QueryRow(ctx, `SELECT commit_pos, prepare_pos, events, digest, recorded_at FROM ledger_digests
		ORDER BY commit_pos DESC, prepare_pos DESC LIMIT 1`).Scan(&c, &p, &d.events, &dig, &d.lastRecord)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return fmt.Errorf("ledger: digest: unable to read the last record: %w", err)
	default:
		d.pos = eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}
		if d.digest, err = eventstore.HashFromBytes(dig); err != nil {
			return fmt.Errorf("ledger: digest: last record: %w", err)
		}
	}
	d.loaded = true
	return nil
}

// record writes the digest at the current position and the stream heads
// changed since the last record, in one transaction.
func (d *Digester) record(ctx context.Context) error {
	if d.pos.Commit > math.MaxInt64 || d.pos.Prepare > math.MaxInt64 {
		return fmt.Errorf("ledger: digest: position %s does not fit the digest table", d.pos)
	}
	streams := make([]string, 0, len(d.heads))
	revs := make([]int64, 0, len(d.heads))
	hashes := make([][]byte, 0, len(d.heads))
	for s, h := range d.heads {
		streams, revs, hashes = append(streams, s), append(revs, int64(h.revision)), append(hashes, h.hash[:])
	}
	err := pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_digests (commit_pos, prepare_pos, events, digest) VALUES ($1, $2, $3, $4)`,
			int64(d.pos.Commit), int64(d.pos.Prepare), d.events, d.digest[:]); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO ledger_heads (stream, revision, hash)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
			ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, hash = excluded.hash`, streams, revs, hashes)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: digest: unable to record: %w", err)
	}
	d.pending = 0
	d.heads = map[string]head{}
	d.lastRecord = time.Now()
	return nil
}

// Record is one recorded digest.
type Record struct {
	Position   eventstore.Position `json:"-"`
	Events     int64               `json:"events"`
	Digest     eventstore.Hash     `json:"digest"`
	RecordedAt time.Time           `json:"recorded_at"`
}

// Records returns every recorded digest in position order.
func Records(ctx context.Context, pool *pgxpool.Pool) ([]Record, error) {
	rows, err := pool.Query(ctx, `SELECT commit_pos, prepare_pos, events, digest, recorded_at FROM ledger_digests ORDER BY commit_pos, prepare_pos`)
	if err != nil {
		return nil, fmt.Errorf("ledger: unable to read digests: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Record, error) {
		var (
			rec  Record
			c, p int64
			dig  []byte
		)
		if err := r.Scan(&c, &p, &rec.Events, &dig, &rec.RecordedAt); err != nil {
			return rec, err
		}
		rec.Position = eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}
		var err error
		rec.Digest, err = eventstore.HashFromBytes(dig)
		return rec, err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: unable to read digests: %w", err)
	}
	return out, nil
}
