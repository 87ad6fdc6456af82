package readmodel_test

import (
	"context"
	"database/sql"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"golang.org/x/tools/txtar"

	"backoffice/internal/pgtest"
	"backoffice/readmodel"
)

// legacyArchive is a frozen copy of readmodel/migrations as it was before
// each owner embedded its own migrations (one set, version table
// goose_readmodel).
const legacyArchive = "testdata/legacy_migrations.txtar"

// legacyFS is the frozen set as a file system goose can read.
func legacyFS(t *testing.T) fs.FS {
	t.Helper()
	a, err := txtar.ParseFile(legacyArchive)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := txtar.FS(a)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// migrateLegacy migrates db with the former single set, up to version upTo
// (0: all of them), as the code before the per-owner layout did.
func migrateLegacy(t *testing.T, ctx context.Context, db *sql.DB, upTo int64) {
	t.Helper()
	p, err := goose.NewProvider(goose.DialectPostgres, db, legacyFS(t),
		goose.WithTableName(readmodel.LegacyVersionTable), goose.WithAllowOutofOrder(true), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if upTo == 0 {
		_, err = p.Up(ctx)
	} else {
		_, err = p.UpTo(ctx, upTo)
	}
	if err != nil {
		t.Fatalf("legacy migrate: %v", err)
	}
}

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db := stdlib.OpenDBFromPool(pgtest.Pool(t, pgtest.NewDB(t)))
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// schemaOf describes every table outside goose's version tables: columns
// (with type, nullability and default), indexes and constraints.
func schemaOf(t *testing.T, ctx context.Context, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx, `
		SELECT table_name || '.' || ordinal_position || ' ' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'goose%'
		UNION ALL
		SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'goose%'
		UNION ALL
		SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'goose%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// appliedVersions are the applied versions in a goose version table, with
// when they were applied.
func appliedVersions(t *testing.T, ctx context.Context, db *sql.DB, table string) map[int64]time.Time {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT version_id, tstamp FROM `+table+` WHERE is_applied AND version_id > 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var v int64
		var ts time.Time
		if err := rows.Scan(&v, &ts); err != nil {
			t.Fatal(err)
		}
		out[v] = ts
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func versionsOf(t *testing.T, fsys fs.FS) []int64 {
	t.Helper()
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, n := range names {
		v, err := strconv.ParseInt(n[:strings.IndexByte(n, '_')], 10, 64)
		if err != nil {
			t.Fatalf("%s: no version: %v", n, err)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// TestUpgradeFromSingleSet: a database migrated by the former single set,
// fully or up to an older version, upgrades to the per-owner layout
// without re-running a migration (it would fail: CREATE TABLE of an
// existing table) and without losing one (the schema ends equal to a fresh
// database's), and keeps its rows.
func TestUpgradeFromSingleSet(t *testing.T) {
	ctx := context.Background()
	fresh := openDB(t)
	if err := readmodel.MigrateDB(ctx, fresh, readmodel.Sets); err != nil {
		t.Fatal(err)
	}
	want := schemaOf(t, ctx, fresh)
	if len(want) < 100 {
		t.Fatalf("fresh schema has only %d entries", len(want))
	}

	for _, tc := range []struct {
		name string
		upTo int64
	}{
		{"all applied", 0},
		{"up to 0502", 502}, // 0510, 0511 and the three owners' 0700 still to run
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			migrateLegacy(t, ctx, db, tc.upTo)
			before := appliedVersions(t, ctx, db, readmodel.LegacyVersionTable)
			if _, err := db.ExecContext(ctx, `INSERT INTO credentials (account_id, email, role) VALUES ('a1', 'a@example.nl', 'backoffice');
				INSERT INTO idempotency_keys (actor_id, key, request_hash) VALUES ('a1', 'k1', 'h')`); err != nil {
				t.Fatal(err)
			}

			if err := readmodel.MigrateDB(ctx, db, readmodel.Sets); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			if got := schemaOf(t, ctx, db); !slices.Equal(got, want) {
				t.Errorf("schema after upgrade differs from a fresh database's:\n got %d entries, want %d\nmissing: %v\nextra: %v",
					len(got), len(want), minus(want, got), minus(got, want))
			}
			var n int
			if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM credentials WHERE account_id = 'a1') + (SELECT count(*) FROM idempotency_keys WHERE key = 'k1')`).Scan(&n); err != nil || n != 2 {
				t.Errorf("rows kept: %d, %v; want 2", n, err)
			}
			for _, s := range readmodel.Sets {
				got := appliedVersions(t, ctx, db, s.VersionTable())
				for _, v := range versionsOf(t, s.FS) {
					ts, ok := got[v]
					if !ok {
						t.Errorf("%s: version %d not applied", s.Owner, v)
						continue
					}
					// A version applied by the single set is adopted with
					// its time, not run again.
					if old, applied := before[v]; applied && slices.Contains(s.Legacy, v) && !ts.Equal(old) {
						t.Errorf("%s: version %d applied again at %v (first at %v)", s.Owner, v, ts, old)
					}
				}
			}
			// Running again changes nothing.
			if err := readmodel.MigrateDB(ctx, db, readmodel.Sets); err != nil {
				t.Fatalf("second run: %v", err)
			}
		})
	}
}

// TestLegacyVersionsCovered: every version of the former single set is
// taken over by at least one owner, and an owner only takes over versions
// it has a file for.
func TestLegacyVersionsCovered(t *testing.T) {
	old := versionsOf(t, legacyFS(t))
	taken := map[int64]bool{}
	for _, s := range readmodel.Sets {
		files := versionsOf(t, s.FS)
		for _, v := range s.Legacy {
			if !slices.Contains(old, v) {
				t.Errorf("%s: legacy version %d was not in the single set", s.Owner, v)
			}
			if !slices.Contains(files, v) {
				t.Errorf("%s: legacy version %d has no file in its migrations", s.Owner, v)
			}
			taken[v] = true
		}
	}
	for _, v := range old {
		if !taken[v] {
			t.Errorf("version %d of the single set is taken over by no owner", v)
		}
	}
}

// TestVersionTablesDistinct: two owners sharing a version table would skip
// each other's migrations.
func TestVersionTablesDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, s := range readmodel.Sets {
		if o, ok := seen[s.VersionTable()]; ok || s.VersionTable() == readmodel.LegacyVersionTable {
			t.Errorf("%s and %q share version table %s", s.Owner, o, s.VersionTable())
		}
		seen[s.VersionTable()] = s.Owner
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// TestMigrateConcurrently: several processes starting at once (a fresh
// database, and one of the single set adopting its versions) all succeed
// and apply every migration once.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "fresh", true: "single set"}[legacy], func(t *testing.T) {
			db := openDB(t)
			if legacy {
				migrateLegacy(t, ctx, db, 0)
			}
			errs := make(chan error, 4)
			for range 4 {
				go func() { errs <- readmodel.MigrateDB(ctx, db, readmodel.Sets) }()
			}
			for range 4 {
				if err := <-errs; err != nil {
					t.Error(err)
				}
			}
			for _, s := range readmodel.Sets {
				var n, distinct int
				if err := db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT version_id) FROM `+s.VersionTable()+` WHERE version_id > 0`).Scan(&n, &distinct); err != nil {
					t.Fatal(err)
				}
				if want := len(versionsOf(t, s.FS)); n != want || distinct != want {
					t.Errorf("%s: %d version rows (%d distinct), want %d", s.Owner, n, distinct, want)
				}
			}
		})
	}
}
