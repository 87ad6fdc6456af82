package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// IndexDeferrer is an optional extension: a projector lists the tables of
// its read model whose secondary indexes a rebuild may drop after Reset and
// build once at the end, instead of updating every index for every row it
// writes (a sorted index build over the loaded table is several times
// cheaper than maintaining it row by row).
//
// Dropped are the indexes that back no constraint (the primary key and
// UNIQUE or exclusion constraints stay). The projector must not rely on
// the others while it writes (ON CONFLICT naming the columns of a unique
// index that is no constraint): during the rebuild they do not exist.
// Queries on the tables scan sequentially until the rebuild ends, when the
// read model is incomplete anyway.
//
// The definitions are kept in projection_checkpoints.deferred_indexes, so
// a rebuild that stops half-way (crash, cancel, failure) loses none: the
// runtime builds them again before the projector next runs.
type IndexDeferrer interface {
	Projector
	DeferIndexesOf() []string
}

// deferredIndexesSQL adds the column holding the definitions of the indexes
// a running rebuild dropped (NULL otherwise).
const deferredIndexesSQL = `ALTER TABLE projection_checkpoints ADD COLUMN IF NOT EXISTS deferred_indexes jsonb`

// deferredIndex is one dropped index: its name (schema-qualified) and
// the CREATE INDEX statement that builds it again.
type deferredIndex struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

// dropIndexes drops the indexes of tables that back no constraint and
// records their definitions with the projector's checkpoint, in tx (the
// reset's transaction). Indexes already recorded by an unfinished rebuild
// are kept in the record.
func dropIndexes(ctx context.Context, tx pgx.Tx, name string, tables []string) error {
	if len(tables) == 0 {
		return nil
	}
	saved, err := savedIndexes(ctx, tx, name)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT format('%I.%I', n.nspname, c.relname), pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE i.indrelid = ANY(SELECT to_regclass(t)::oid FROM unnest($1::text[]) AS t)
			AND NOT i.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY 1`, tables)
	if err != nil {
		return fmt.Errorf("projections: %s: unable to list indexes: %w", name, err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[deferredIndex])
	if err != nil {
		return fmt.Errorf("projections: %s: unable to list indexes: %w", name, err)
	}
	if len(found) == 0 {
		return nil
	}
	all := append(saved, found...)
	b, err := json.Marshal(all)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE projection_checkpoints SET deferred_indexes = $2 WHERE name = $1`, name, string(b))
	if err != nil {
		return fmt.Errorf("projections: %s: unable to record deferred indexes: %w", name, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("projections: %s: no checkpoint to record deferred indexes with", name)
	}
	names := make([]string, len(found))
	for i, ix := range found {
		names[i] = ix.Name
	}
	if _, err := tx.Exec(ctx, "DROP INDEX "+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("projections: %s: unable to drop indexes %s: %w", name, strings.Join(names, ", "), err)
	}
	return nil
}

func savedIndexes(ctx context.Context, q querier, name string) ([]deferredIndex, error) {
	var raw []byte
	err := q.QueryRow(ctx, `SELECT deferred_indexes FROM projection_checkpoints WHERE name = $1`, name).Scan(&raw)
	if err == pgx.ErrNoRows || (err == nil && raw == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("projections: %s: unable to read deferred indexes: %w", name, err)
	}
	var out []deferredIndex
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("projections: %s: bad deferred indexes: %w", name, err)
	}
	return out, nil
}

// restoreIndexes builds the indexes a rebuild of the projector dropped and
// clears their record; conn holds the projector's lock. It does nothing
// when none are recorded.
//
// With a pool it builds them on up to indexBuildsAtOnce of its connections
// at once, each CREATE INDEX in a transaction of its own (they take SHARE
// locks, which do not conflict with each other, so the server overlaps
// one build's serial sort and write with another's table scan), and then
// clears the record on conn. An index built before a failure stays; the
// record keeps it until the next restore, which skips it (IF NOT EXISTS).
// Without a pool it builds them in one transaction on conn.
func restoreIndexes(ctx context.Context, conn *pgx.Conn, pool *pgxpool.Pool, name string) (bool, error) {
	saved, err := savedIndexes(ctx, conn, name)
	if err != nil || len(saved) == 0 {
		return false, err // the common case: no transaction
	}
	if pool != nil && len(saved) > 1 {
		if err := buildAtOnce(ctx, pool, name, saved); err != nil {
			return false, err
		}
	}
	restored := false
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		saved, err := savedIndexes(ctx, tx, name)
		if err != nil || len(saved) == 0 {
			return err
		}
		for _, ix := range saved {
			if _, err := tx.Exec(ctx, ifNotExists(ix.SQL)); err != nil {
				return fmt.Errorf("projections: %s: unable to build index %s again: %w", name, ix.Name, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE projection_checkpoints SET deferred_indexes = NULL WHERE name = $1`, name); err != nil {
			return fmt.Errorf("projections: %s: unable to clear deferred indexes: %w", name, err)
		}
		restored = true
		return nil
	})
	return restored, err
}

// indexBuildsAtOnce is how many deferred indexes restoreIndexes builds at
// once (BENCHMARKS.md §5, rebuild5).
const indexBuildsAtOnce = 2

// buildAtOnce builds the indexes on up to indexBuildsAtOnce connections
// of pool.
func buildAtOnce(ctx context.Context, pool *pgxpool.Pool, name string, indexes []deferredIndex) error {
	work := make(chan deferredIndex)
	errs := make([]error, min(indexBuildsAtOnce, len(indexes)))
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			for ix := range work {
				if errs[i] != nil {
					continue
				}
				if _, err := pool.Exec(ctx, ifNotExists(ix.SQL)); err != nil {
					errs[i] = fmt.Errorf("projections: %s: unable to build index %s again: %w", name, ix.Name, err)
				}
			}
		})
	}
	for _, ix := range indexes {
		work <- ix
	}
	close(work)
	wg.Wait()
	return errors.Join(errs...)
}

// ifNotExists turns pg_get_indexdef's "CREATE [UNIQUE] INDEX name ON ..."
// into CREATE ... INDEX IF NOT EXISTS, in case it was built before the
// record could be cleared.
func ifNotExists(def string) string {
	return strings.Replace(def, " INDEX ", " INDEX IF NOT EXISTS ", 1)
}
