package projections

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
)

// CheckpointsSQL creates the checkpoint table (idempotent). Positions are
// stored as two bigints; the runtime refuses positions above math.MaxInt64
// (PostgreSQL xid8 and EventStoreDB log positions stay far below).
const CheckpointsSQL = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
	name        text PRIMARY KEY,
	commit_pos  bigint NOT NULL CHECK (commit_pos >= 0),
	prepare_pos bigint NOT NULL CHECK (prepare_pos >= 0),
	updated_at  timestamptz NOT NULL DEFAULT now()
)`

// failureSQL adds the failure record: the event a projector stopped on and
// why, written when it fails and cleared by its next commit, so an operator
// sees it from any process (`projections status`).
const failureSQL = `ALTER TABLE projection_checkpoints ADD COLUMN IF NOT EXISTS failure jsonb`

// Migrate creates the checkpoint table if it does not exist. A table that
// is up to date is left alone: ALTER TABLE needs its owner even when the
// column exists, and `serve` migrates at start-up as the application role,
// which is not the owner (docs/audit.md §2).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	var upToDate bool
	if err := pool.QueryRow(ctx, `SELECT count(*) = 2 FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'projection_checkpoints'
		AND column_name IN ('failure', 'deferred_indexes')`).Scan(&upToDate); err != nil {
		return fmt.Errorf("projections: unable to read projection_checkpoints: %w", err)
	}
	if upToDate {
		return nil
	}
	if _, err := pool.Exec(ctx, CheckpointsSQL+"; "+failureSQL+"; "+deferredIndexesSQL); err != nil {
		return fmt.Errorf("projections: unable to create projection_checkpoints: %w", err)
	}
	return nil
}

// ErrCheckpointMoved: the stored checkpoint is not the one this instance
// started its batch from: someone else (another instance, a rebuild) wrote
// it. The batch is rolled back and the projector restarts from the store.
var ErrCheckpointMoved = errors.New("projections: checkpoint moved by someone else")

type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func toDB(p eventstore.Position) (int64, int64, error) {
	if p.Commit > math.MaxInt64 || p.Prepare > math.MaxInt64 {
		return 0, 0, fmt.Errorf("projections: position %s does not fit the checkpoint table", p)
	}
	return int64(p.Commit), int64(p.Prepare), nil
}

func ensureCheckpoint(ctx context.Context, q querier, name string) error {
	_, err := q.Exec(ctx, `INSERT INTO projection_checkpoints (name, commit_pos, prepare_pos) VALUES ($1, 0, 0) ON CONFLICT (name) DO NOTHING`, name)
	if err != nil {
		return fmt.Errorf("projections: unable to create checkpoint of %s: %w", name, err)
	}
	return nil
}

func readCheckpoint(ctx context.Context, q querier, name string) (eventstore.Position, error) {
	var c, p int64
	err := q.QueryRow(ctx, `SELECT commit_pos, prepare_pos FROM projection_checkpoints WHERE name = $1`, name).Scan(&c, &p)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventstore.Start, nil
	}
	if err != nil {
		return eventstore.Start, fmt.Errorf("projections: unable to read checkpoint of %s: %w", name, err)
	}
	return eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}, nil
}

// moveCheckpoint advances the checkpoint from prev to next, failing with
// ErrCheckpointMoved when the stored value is not prev (fencing).
func moveCheckpoint(ctx context.Context, q querier, name string, prev, next eventstore.Position) error {
	pc, pp, err := toDB(prev)
	if err != nil {
		return err
	}
	nc, np, err := toDB(next)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE projection_checkpoints SET commit_pos = $2, prepare_pos = $3, updated_at = now(), failure = NULL
		WHERE name = $1 AND commit_pos = $4 AND prepare_pos = $5`, name, nc, np, pc, pp)
	if err != nil {
		return fmt.Errorf("projections: unable to store checkpoint of %s: %w", name, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("%w: %s expected at %s", ErrCheckpointMoved, name, prev)
	}
	return nil
}

// flushCommits makes the projector's earlier asynchronous commits durable:
// a durable commit that writes (the checkpoint row, unchanged) flushes the
// WAL up to its own record, past every commit before it.
func flushCommits(ctx context.Context, q querier, name string) error {
	if _, err := q.Exec(ctx, `UPDATE projection_checkpoints SET commit_pos = commit_pos WHERE name = $1`, name); err != nil {
		return fmt.Errorf("projections: %s: unable to flush the rebuild's commits: %w", name, err)
	}
	return nil
}

func setCheckpoint(ctx context.Context, q querier, name string, p eventstore.Position) error {
	c, pr, err := toDB(p)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO projection_checkpoints (name, commit_pos, prepare_pos) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET commit_pos = $2, prepare_pos = $3, updated_at = now(), failure = NULL`, name, c, pr)
	if err != nil {
		return fmt.Errorf("projections: unable to reset checkpoint of %s: %w", name, err)
	}
	return nil
}

func readCheckpoints(ctx context.Context, pool *pgxpool.Pool, names []string) (map[string]eventstore.Position, error) {
	rows, err := pool.Query(ctx, `SELECT name, commit_pos, prepare_pos FROM projection_checkpoints WHERE name = ANY($1)`, names)
	if err != nil {
		return nil, fmt.Errorf("projections: unable to read checkpoints: %w", err)
	}
	defer rows.Close()
	out := make(map[string]eventstore.Position, len(names))
	for rows.Next() {
		var n string
		var c, p int64
		if err := rows.Scan(&n, &c, &p); err != nil {
			return nil, fmt.Errorf("projections: unable to read checkpoints: %w", err)
		}
		out[n] = eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projections: unable to read checkpoints: %w", err)
	}
	return out, nil
}

// readFailures returns the stored failure records of the named projectors
// (only those that have one).
func readFailures(ctx context.Context, pool *pgxpool.Pool, names []string) (map[string]*EventFailure, error) {
	rows, err := pool.Query(ctx, `SELECT name, failure FROM projection_checkpoints WHERE name = ANY($1) AND failure IS NOT NULL`, names)
	if err != nil {
		return nil, fmt.Errorf("projections: unable to read failures: %w", err)
	}
	defer rows.Close()
	out := map[string]*EventFailure{}
	for rows.Next() {
		var n string
		var f EventFailure
		if err := rows.Scan(&n, &f); err != nil {
			return nil, fmt.Errorf("projections: unable to read failures: %w", err)
		}
		out[n] = &f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projections: unable to read failures: %w", err)
	}
	return out, nil
}

// storeFailure records the event a projector stopped on (outside any batch,
// which was rolled back).
func storeFailure(ctx context.Context, q querier, name string, f *EventFailure) error {
	if _, err := q.Exec(ctx, `UPDATE projection_checkpoints SET failure = $2 WHERE name = $1`, name, f); err != nil {
		return fmt.Errorf("projections: unable to record the failure of %s: %w", name, err)
	}
	return nil
}

// lockKey is the advisory-lock key of a projector (one bigint, hashed in SQL).
const tryLockSQL = `SELECT pg_try_advisory_lock(hashtextextended('backoffice.projection:' || $1, 0))`

// lockHoldersSQL finds the sessions holding the projectors' locks: a
// bigint advisory key shows in pg_locks as classid (high 32 bits), objid
// (low 32 bits) and objsubid 1.
const lockHoldersSQL = `WITH k AS (
	SELECT n, hashtextextended('backoffice.projection:' || n, 0) AS key FROM unnest($1::text[]) AS n)
SELECT k.n, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''), l.pid, a.backend_start
FROM k
JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
	AND l.classid = oid((k.key >> 32) & 4294967295) AND l.objid = oid(k.key & 4294967295)
	AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LEFT JOIN pg_stat_activity a ON a.pid = l.pid`

// readLockHolders returns the holder of each named projector's lock that
// is held.
func readLockHolders(ctx context.Context, pool *pgxpool.Pool, names []string) (map[string]LockHolder, error) {
	rows, err := pool.Query(ctx, lockHoldersSQL, names)
	if err != nil {
		return nil, fmt.Errorf("projections: unable to read the lock holders: %w", err)
	}
	defer rows.Close()
	out := map[string]LockHolder{}
	for rows.Next() {
		var name string
		var h LockHolder
		var since *time.Time
		if err := rows.Scan(&name, &h.Application, &h.ClientAddr, &h.BackendPID, &since); err != nil {
			return nil, fmt.Errorf("projections: unable to read the lock holders: %w", err)
		}
		if since != nil {
			h.Since = *since
		}
		out[name] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projections: unable to read the lock holders: %w", err)
	}
	return out, nil
}

// sessionName is the application_name of this process's lock sessions,
// so another process can say who runs a projector (see LockHolder).
// PostgreSQL keeps at most 63 bytes of it.
var sessionName = func() string {
	host, _ := os.Hostname()
	s := fmt.Sprintf("backoffice pid=%d host=%s", os.Getpid(), host)
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.ToValidUTF8(s, "")
}()

// writtenTables adds the tables this transaction wrote to (the projector's
// read model; the checkpoint is written after) to tables.
func writtenTables(ctx context.Context, tx pgx.Tx, tables map[string]bool) error {
	rows, err := tx.Query(ctx, `SELECT format('%I.%I', schemaname, relname) FROM pg_stat_xact_user_tables
		WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND relname <> 'projection_checkpoints'`)
	if err != nil {
		return fmt.Errorf("projections: unable to list written tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("projections: unable to list written tables: %w", err)
	}
	for _, n := range names {
		tables[n] = true
	}
	return nil
}

// staleTables are those of tables whose planner statistics are missing or
// were taken before more rows changed than the table then held (so while
// it doubles): PostgreSQL's activity counters lag by up to a second, which
// only delays an ANALYZE by a page or two.
func staleTables(ctx context.Context, conn *pgx.Conn, tables map[string]bool) (map[string]bool, error) {
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	rows, err := conn.Query(ctx, `SELECT t FROM unnest($1::text[]) AS t
		JOIN pg_class AS c ON c.oid = to_regclass(t)
		LEFT JOIN pg_stat_user_tables AS s ON s.relid = c.oid
		WHERE c.reltuples < 0 OR coalesce(s.n_mod_since_analyze, 0) > greatest(c.reltuples, 1000)`, names)
	if err != nil {
		return nil, fmt.Errorf("unable to read table statistics: %w", err)
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("unable to read table statistics: %w", err)
	}
	out := make(map[string]bool, len(stale))
	for _, t := range stale {
		out[t] = true
	}
	return out, nil
}

// analyze refreshes the planner statistics of tables, all in one ANALYZE
// statement and transaction. quick samples 300 rows (statistics target 1)
// instead of 30,000: enough to tell the planner how large a table has
// grown, so lookups by key use its index, at a small part of the cost; a
// full ANALYZE of a wide table sorts every sampled value of every column.
// A quick one commits without waiting for the WAL flush (statistics lost
// in a crash are taken again; nothing depends on them being durable).
func analyze(ctx context.Context, conn *pgx.Conn, tables map[string]bool, quick bool) error {
	return analyzeAndFlush(ctx, conn, tables, quick, "")
}

// analyzeOnPool is a quick analyze on a connection of pool.
func analyzeOnPool(ctx context.Context, pool *pgxpool.Pool, tables map[string]bool) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("unable to analyze: %w", err)
	}
	defer c.Release()
	return analyze(ctx, c.Conn(), tables, true)
}

// analyzeAndFlush is analyze, and with a projector's name (full ANALYZE
// only) it is also flushCommits for that projector in the same durable
// transaction: one commit and one WAL flush at the end of a rebuild.
func analyzeAndFlush(ctx context.Context, conn *pgx.Conn, tables map[string]bool, quick bool, flush string) error {
	if len(tables) == 0 && flush == "" {
		return nil
	}
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	sort.Strings(names)
	txo := pgx.TxOptions{}
	if quick {
		txo.BeginQuery = "BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL default_statistics_target = 1"
	}
	err := pgx.BeginTxFunc(ctx, conn, txo, func(tx pgx.Tx) error {
		if len(names) > 0 {
			if _, err := tx.Exec(ctx, "ANALYZE "+strings.Join(names, ", ")); err != nil {
				return fmt.Errorf("unable to analyze %s: %w", strings.Join(names, ", "), err)
			}
		}
		if flush != "" && !quick {
			return flushCommits(ctx, tx, flush)
		}
		return nil
	})
	return err
}

// statisticsDrift is how far, as a share of the rows a table held, a
// rebuild in one transaction may change its row count and still leave
// its planner statistics as they were (keptStatistics): autovacuum's own
// ANALYZE threshold (autovacuum_analyze_scale_factor, default 0.1).
const statisticsDrift = 0.1

// analyzedTables are the tables that have planner statistics, by
// writtenTables' names, with the rows they hold: pg_class's count, or for
// a table whose count is unknown (reltuples -1: emptied by a TRUNCATE
// since its last ANALYZE or VACUUM, as a rebuild that kept its statistics
// leaves it until autovacuum comes) the live rows of the activity
// counters (0, so no figure, until they are reported). Read in a
// rebuild's transaction before its Reset, which keeps a table's
// statistics but sets its count to unknown. pg_stats, not pg_statistic:
// the application role may not read the catalog table.
func analyzedTables(ctx context.Context, tx pgx.Tx) (map[string]float64, error) {
	rows, err := tx.Query(ctx, `SELECT t, n FROM (
			SELECT format('%I.%I', ns.nspname, c.relname) AS t,
			       CASE WHEN c.reltuples >= 0 THEN c.reltuples::float8 ELSE pg_stat_get_live_tuples(c.oid)::float8 END AS n
			FROM pg_class AS c JOIN pg_namespace AS ns ON ns.oid = c.relnamespace
			WHERE c.relkind = 'r' AND ns.nspname NOT IN ('pg_catalog', 'information_schema')
			  AND EXISTS (SELECT 1 FROM pg_stats AS s WHERE s.schemaname = ns.nspname AND s.tablename = c.relname)) AS a
		WHERE n > 0`)
	if err != nil {
		return nil, fmt.Errorf("projections: unable to read table statistics: %w", err)
	}
	out := map[string]float64{}
	var name string
	var n float64
	if _, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error { out[name] = n; return nil }); err != nil {
		return nil, fmt.Errorf("projections: unable to read table statistics: %w", err)
	}
	return out, nil
}

// keptStatistics are those of tables, written by a rebuild in one
// transaction, whose statistics from before (analyzedTables) still describe
// them, so the rebuild need not ANALYZE them: emptied in this transaction
// (reltuples -1 again, by the Reset's TRUNCATE) and now holding within
// statisticsDrift of the rows they held. Their distributions are those of
// the same log, as before; the planner estimates their size from their
// pages until autovacuum ANALYZEs them (due at once: every row changed).
func keptStatistics(ctx context.Context, tx pgx.Tx, tables map[string]bool, before map[string]float64) (map[string]bool, error) {
	var names []string
	for t := range tables {
		if before[t] > 0 {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	sort.Strings(names)
	rows, err := tx.Query(ctx, `SELECT t FROM unnest($1::text[]) AS t
		JOIN pg_class AS c ON c.oid = to_regclass(t) WHERE c.reltuples < 0`, names)
	if err != nil {
		return nil, fmt.Errorf("projections: unable to read table statistics: %w", err)
	}
	emptied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("projections: unable to read table statistics: %w", err)
	}
	if len(emptied) == 0 {
		return nil, nil
	}
	// The rows now, counted: the activity counters of this transaction
	// also hold those of earlier ones not yet reported.
	counts, args := make([]string, len(emptied)), make([]any, len(emptied))
	for i, t := range emptied {
		counts[i], args[i] = fmt.Sprintf("SELECT $%d::text, count(*) FROM %s", i+1, t), t
	}
	rows, err = tx.Query(ctx, strings.Join(counts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("projections: unable to count rows: %w", err)
	}
	kept := map[string]bool{}
	var t string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&t, &n}, func() error {
		if math.Abs(float64(n)-before[t]) <= statisticsDrift*before[t] {
			kept[t] = true
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("projections: unable to count rows: %w", err)
	}
	return kept, nil
}
