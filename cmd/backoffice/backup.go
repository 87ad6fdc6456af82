package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"backoffice/eventstore/postgres"
	"backoffice/internal/app"
	"backoffice/internal/pglaunch"
)

// backupCmd writes the application database (events, read models,
// documents' files, personal data, queues) with pg_dump's custom format to
// FILE, while serve may keep running: pg_dump reads one consistent
// snapshot and holds no transaction ID, so it stalls no reader of the
// event store. The master key is not in it (docs/operations.md).
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		return errors.New("usage: backoffice backup FILE  (pg_dump's custom format; restore with `backoffice restore FILE`)")
	}
	file, rest := args[0], args[1:]
	cfg, db, err := openConfigured(ctx, rest, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	tmp := file + ".part"
	conn, password := withoutPassword(db.Pool.Config().ConnString())
	if err := pgTool(ctx, "pg_dump", password, stderr, "--format=custom", "--file="+tmp, "--dbname="+conn); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	// Only a complete dump gets the name: a failed or interrupted one never
	// looks like a backup.
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", file)
	if cfg.EventStoreURL != "" {
		fmt.Fprintln(stdout, "the events are in EventStoreDB: back it up too (docs/eventstoredb.md); this file holds the read models and application tables")
	}
	if cfg.MasterKey == "" {
		fmt.Fprintf(stdout, "keep %s safe as well, apart from this file: without it the personal data in the backup cannot be read\n",
			filepath.Join(cfg.DataDir, "master.key"))
	} else {
		fmt.Fprintln(stdout, "keep BACKOFFICE_MASTER_KEY safe as well, apart from this file: without it the personal data in the backup cannot be read")
	}
	return nil
}

// restoreCmd loads a backup into an empty database (a fresh
// BACKOFFICE_DATA_DIR, or a new empty BACKOFFICE_DATABASE_URL) in one
// transaction, then brings its schema up to date, so a backup of an older
// version restores into this one. It refuses a database that holds tables:
// a restore never mixes with live data.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		return errors.New("usage: backoffice restore FILE  (into an empty database: a new BACKOFFICE_DATA_DIR or an empty BACKOFFICE_DATABASE_URL)")
	}
	file, rest := args[0], args[1:]
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	cfg, db, err := openConfigured(ctx, rest, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	var tables int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if tables > 0 {
		return fmt.Errorf("restore: the database already holds %d tables; restore into an empty one (a new BACKOFFICE_DATA_DIR, or an empty database in BACKOFFICE_DATABASE_URL)", tables)
	}
	full := db.Pool.Config().ConnString()
	conn, password := withoutPassword(full)
	if err := pgTool(ctx, "pg_restore", password, stderr, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
		"--dbname="+conn, file); err != nil {
		return err
	}
	if cfg.EventStoreURL == "" {
		if err := postgres.Migrate(ctx, full); err != nil {
			return err
		}
		if err := postgres.AfterRestore(ctx, db.Pool, stdout); err != nil {
			return err
		}
	}
	if err := app.Migrate(ctx, db.Pool); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s; schema is up to date. Check the ledger with `backoffice verify`, then start serve with the same master key\n", file)
	return nil
}

// pgTool runs one of PostgreSQL's client programs: from the server
// binaries' directory the embedded cluster uses (the same version), else
// from PATH. Its messages go to stderr.
func pgTool(ctx context.Context, name, password string, stderr io.Writer, args ...string) error {
	path := name
	if dir, err := pglaunch.FindBinDir(); err == nil {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			path = filepath.Join(dir, name)
		}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stderr = stderr
	cmd.Env = os.Environ()
	if password != "" {
		// Not on the command line, where every user of the machine can read it.
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	if err := cmd.Run(); err != nil {
		var missing *exec.Error
		if errors.As(err, &missing) {
			return fmt.Errorf("%s not found: install PostgreSQL's client programs (apt-get install postgresql-client)", name)
		}
		return fmt.Errorf("%s failed: %w", name, err)
	}
	return nil
}

// keyValuePassword finds password=... in a key=value connection string.
var keyValuePassword = regexp.MustCompile(`(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)

// withoutPassword splits a connection string (URL or key=value) into the
// string without its password and the password, which the client programs
// then get through PGPASSWORD.
func withoutPassword(conn string) (string, string) {
	if u, err := url.Parse(conn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if u.User == nil {
			return conn, ""
		}
		password, _ := u.User.Password()
		u.User = url.User(u.User.Username())
		return u.String(), password
	}
	if m := keyValuePassword.FindStringSubmatchIndex(conn); m != nil {
		password := strings.Trim(conn[m[2]:m[3]], "'")
		return conn[:m[0]] + conn[m[1]:], password
	}
	return conn, ""
}
