// Package readmodel runs the migrations of every package that owns tables
// (Sets: each package embeds its own in <package>/migrations, and only that
// package writes its tables; Owners lists them) and holds what the read
// models share. Every query takes the caller's scope, so a client can never
// read another client's rows.
package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	authmig "backoffice/commands/auth/migrations"
	docmig "backoffice/commands/document/migrations"
	vaultmig "backoffice/commands/identity/migrations"
	apimig "backoffice/http/api/migrations"
	linkmailmig "backoffice/notify/linkmail/migrations"
	mailmig "backoffice/notify/mail/migrations"
	prefsmig "backoffice/notify/prefs/migrations"
	reactorsmig "backoffice/notify/reactors/migrations"
	remindersmig "backoffice/notify/reminders/migrations"
	smsmig "backoffice/notify/sms/migrations"
	rmdocmig "backoffice/readmodel/documents/migrations"
	rmidmig "backoffice/readmodel/identity/migrations"
	mwmig "backoffice/readmodel/missingweeks/migrations"
	payrollmig "backoffice/readmodel/payroll/migrations"
	tsmig "backoffice/readmodel/timesheets/migrations"
)

// Set is the migrations of one package that owns tables. Each set has its
// own goose version table, so two packages can never collide on a version
// number: a new migration goes into its owner's migrations directory with
// the next number of that directory.
type Set struct {
	// Owner is the package below the module that owns (alone writes) the
	// tables the set creates, e.g. "commands/auth".
	Owner string
	FS    fs.FS
	// Legacy lists the versions this set took over from the single set all
	// tables were migrated from before (readmodel/migrations, version table
	// goose_readmodel); a version split over several owners is listed by
	// each. adoptLegacy copies them, where applied, into the set's own
	// version table once. FROZEN: never add a version created later.
	Legacy []int64
}

// VersionTable is the set's goose version table.
// WARNING: renaming an owner's table makes Migrate re-run its migrations.
func (s Set) VersionTable() string {
	return "goose_" + strings.NewReplacer("/", "_", ".", "_").Replace(s.Owner)
}

// Sets are every owner's migrations, in the order a fresh database runs
// them (no set depends on another's tables).
var Sets = []Set{
	{Owner: "http/api", FS: apimig.FS, Legacy: []int64{1, 2}},
	{Owner: "notify/mail", FS: mailmig.FS, Legacy: []int64{101}},
	{Owner: "commands/auth", FS: authmig.FS, Legacy: []int64{110, 111, 112, 113}},
	{Owner: "commands/identity", FS: vaultmig.FS, Legacy: []int64{200, 201}},
	{Owner: "readmodel/identity", FS: rmidmig.FS, Legacy: []int64{200, 202}},
	{Owner: "readmodel/timesheets", FS: tsmig.FS, Legacy: []int64{300, 301, 310}},
	{Owner: "readmodel/payroll", FS: payrollmig.FS, Legacy: []int64{400, 410, 411, 412}},
	{Owner: "commands/document", FS: docmig.FS, Legacy: []int64{500, 501, 510}},
	{Owner: "readmodel/documents", FS: rmdocmig.FS, Legacy: []int64{500, 502, 511}},
	{Owner: "notify/reactors", FS: reactorsmig.FS, Legacy: []int64{200, 500, 700}},
	{Owner: "notify/prefs", FS: prefsmig.FS, Legacy: []int64{700}},
	{Owner: "notify/reminders", FS: remindersmig.FS, Legacy: []int64{700}},
	{Owner: "readmodel/missingweeks", FS: mwmig.FS, Legacy: []int64{720}},
	{Owner: "notify/sms", FS: smsmig.FS},
	{Owner: "notify/linkmail", FS: linkmailmig.FS},
}

// LegacyVersionTable is the version table of the former single set.
const LegacyVersionTable = "goose_readmodel"

// migrateLockID keeps concurrent Migrate calls apart (goose's session lock
// and the adoption's transaction lock).
const migrateLockID int64 = 0x7265_6164_6d6f_0001 // "readmo" + 1

// Migrate brings every owner's tables up to date. It is safe to run from
// several processes at once: it takes a session lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return MigrateDB(ctx, db, Sets)
}

// MigrateDB runs sets on db: first adoptLegacy, then each set's Up.
func MigrateDB(ctx context.Context, db *sql.DB, sets []Set) error {
	if err := adoptLegacy(ctx, db, sets); err != nil {
		return err
	}
	for _, s := range sets {
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrateLockID))
		if err != nil {
			return fmt.Errorf("readmodel: migrate %s: %w", s.Owner, err)
		}
		p, err := goose.NewProvider(goose.DialectPostgres, db, s.FS,
			goose.WithTableName(s.VersionTable()), goose.WithAllowOutofOrder(true),
			goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("readmodel: prepare migrations of %s: %w", s.Owner, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("readmodel: migrate %s: %w", s.Owner, err)
		}
	}
	return nil
}

// gooseTableSQL is the version table goose (v3, postgres) creates.
const gooseTableSQL = `CREATE TABLE %s (
	id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
	version_id bigint NOT NULL,
	is_applied boolean NOT NULL,
	tstamp timestamp NOT NULL DEFAULT now()
)`

// adoptLegacy upgrades a database migrated with the former single set:
// each set whose version table does not exist yet gets one holding the
// rows of its Legacy versions from goose_readmodel (applied ones only, as
// goose keeps them), so goose runs none of them again and runs every one
// the database has not applied. goose_readmodel stays as it was. A fresh
// database (no goose_readmodel) adopts nothing.
func adoptLegacy(ctx context.Context, db *sql.DB, sets []Set) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("readmodel: adopt legacy versions: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLockID); err != nil {
		return fmt.Errorf("readmodel: adopt legacy versions: %w", err)
	}
	var legacy bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, LegacyVersionTable).Scan(&legacy); err != nil {
		return fmt.Errorf("readmodel: adopt legacy versions: %w", err)
	}
	if !legacy {
		return nil
	}
	for _, s := range sets {
		if len(s.Legacy) == 0 {
			continue
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, s.VersionTable()).Scan(&exists); err != nil {
			return fmt.Errorf("readmodel: adopt legacy versions of %s: %w", s.Owner, err)
		}
		if exists {
			continue
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(gooseTableSQL, s.VersionTable())); err != nil {
			return fmt.Errorf("readmodel: adopt legacy versions of %s: %w", s.Owner, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (version_id, is_applied, tstamp)
			SELECT version_id, is_applied, tstamp FROM %s
			WHERE version_id = 0 OR version_id = ANY($1::bigint[]) ORDER BY id`, s.VersionTable(), LegacyVersionTable),
			"{"+joinInts(s.Legacy)+"}"); err != nil {
			return fmt.Errorf("readmodel: adopt legacy versions of %s: %w", s.Owner, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("readmodel: adopt legacy versions: %w", err)
	}
	return nil
}

func joinInts(vs []int64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ",")
}
