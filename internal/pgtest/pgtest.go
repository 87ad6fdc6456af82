// Package pgtest gives tests a real PostgreSQL: one throwaway cluster per
// test binary (started lazily from the machine's server binaries by
// pglaunch, in a temp dir) and a fresh database per test.
//
// Every package that uses it needs
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// so the cluster is stopped and its directory removed after the tests.
//
// The cluster runs with fsync=off and full_page_writes=off for speed, but
// synchronous_commit=on: code that checks durability settings must be told
// explicitly that it runs in a test.
package pgtest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/pglaunch"
)

// Settings are the server settings of the test cluster.
var Settings = map[string]string{
	"fsync":              "off",
	"full_page_writes":   "off",
	"synchronous_commit": "on",
	"max_connections":    "300",
	"shared_buffers":     "128MB",
}

var (
	startOnce sync.Once
	cluster   *pglaunch.Cluster
	admin     *pgxpool.Pool // to the "postgres" database, for CREATE/DROP DATABASE
	rootDir   string
	startErr  error

	dbSeq atomic.Int64

	templatesMu sync.Mutex
	templates   = map[string]*template{}
)

type template struct {
	mu     sync.Mutex
	done   bool
	dbname string
	err    error
}

// Main runs the tests of a package and stops the shared cluster afterwards.
// Use in every package that uses pgtest:  func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	shutdown()
	os.Exit(code)
}

func shutdown() {
	if admin != nil {
		admin.Close()
	}
	if cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cluster.Stop(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	if rootDir != "" {
		_ = os.RemoveAll(rootDir)
	}
}

// start launches the per-binary cluster once.
func start() error {
	startOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pgtest-")
		if err != nil {
			startErr = err
			return
		}
		rootDir = dir
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c, err := pglaunch.Start(ctx, pglaunch.Options{
			DataDir:       filepath.Join(dir, "data"),
			SocketDir:     dir,
			Settings:      Settings,
			DieWithParent: true, // a test binary killed by -timeout must not leave a server behind
		})
		if err != nil {
			startErr = err
			return
		}
		cluster = c
		cfg, err := pgxpool.ParseConfig(c.ConnString("postgres"))
		if err != nil {
			startErr = err
			return
		}
		cfg.MaxConns = 4
		admin, startErr = pgxpool.NewWithConfig(ctx, cfg)
	})
	if startErr != nil {
		return fmt.Errorf("pgtest: cannot start the test PostgreSQL cluster: %w", startErr)
	}
	return nil
}

// NewDB creates a fresh, empty database on the per-binary cluster (started lazily, once) and returns its conn string. Dropped at t.Cleanup.
func NewDB(t testing.TB) string {
	t.Helper()
	return newDB(t, "")
}

// NewDBFromTemplate: like NewDB, but the database is a copy (CREATE DATABASE ... TEMPLATE) of a template database named name, which is created once per test binary by calling setup on it (e.g. running migrations). Copies cost milliseconds.
//
// setup gets a connection string for the template and must close every
// connection it opens; any left open are terminated afterwards. If setup
// fails, every test asking for that template fails with its error.
func NewDBFromTemplate(t testing.TB, name string, setup func(ctx context.Context, connString string) error) string {
	t.Helper()
	if err := start(); err != nil {
		t.Fatal(err)
	}
	templatesMu.Lock()
	tpl, ok := templates[name]
	if !ok {
		// The sequence number keeps names distinct that sanitize alike.
		tpl = &template{dbname: fmt.Sprintf("tpl%d_%s", len(templates)+1, sanitize(name, 50))}
		templates[name] = tpl
	}
	templatesMu.Unlock()

	// Per-name lock: the first caller builds it, concurrent callers wait.
	tpl.mu.Lock()
	if !tpl.done {
		tpl.err = buildTemplate(tpl.dbname, setup)
		tpl.done = true
	}
	tpl.mu.Unlock()
	if tpl.err != nil {
		t.Fatalf("pgtest: template %q: %v", name, tpl.err)
	}
	return newDB(t, tpl.dbname)
}

// buildTemplate creates the template database, runs setup, and then locks
// it against connections so copies never race with one.
func buildTemplate(dbname string, setup func(ctx context.Context, connString string) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ident := pgx.Identifier{dbname}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return err
	}
	if err := setup(ctx, cluster.ConnString(dbname)); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+ident+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	// Terminate connections setup left open (e.g. an unclosed pool), and
	// wait until they are gone: termination is asynchronous.
	for {
		var n int
		err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`, dbname).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("connections to the template did not end: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func newDB(t testing.TB, template string) string {
	t.Helper()
	if err := start(); err != nil {
		t.Fatal(err)
	}
	dbname := fmt.Sprintf("t%d_%s", dbSeq.Add(1), sanitize(t.Name(), 40))
	ident := pgx.Identifier{dbname}.Sanitize()
	sql := "CREATE DATABASE " + ident
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: create database %s: %v", dbname, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE ends connections a test left open (e.g. a leaked pool).
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", dbname, err)
		}
	})
	return cluster.ConnString(dbname)
}

// Pool is a convenience: pgxpool for a conn string, closed at t.Cleanup.
func Pool(t testing.TB, connString string) *pgxpool.Pool {
	t.Helper()
	return PoolOfSize(t, connString, 0)
}

// PoolOfSize is Pool with at most n connections (0: pgxpool's default):
// one a test can hold to starve whoever else draws on the pool, or enough
// for a benchmark's clients to queue for the database rather than for
// connections.
func PoolOfSize(t testing.TB, connString string, n int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatalf("pgtest: pool: %v", err)
	}
	if n > 0 {
		cfg.MaxConns = n
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

// sanitize turns a test or template name into a readable identifier part.
func sanitize(s string, max int) string {
	s = unsafeChars.ReplaceAllString(strings.ToLower(s), "_")
	if len(s) > max {
		s = s[:max]
	}
	return s
}

// DurableForBenchmarks turns fsync and full-page writes on for this test
// binary's cluster when it runs benchmarks (-test.bench), so that every
// benchmark figure is measured with production durability. Call it in
// TestMain before Main; tests alone keep the fast settings.
func DurableForBenchmarks() {
	if !flag.Parsed() {
		flag.Parse()
	}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		Settings["fsync"] = "on"
		Settings["full_page_writes"] = "on"
	}
}
