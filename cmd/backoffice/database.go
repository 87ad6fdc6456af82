package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/config"
	"backoffice/internal/pglaunch"
)

// embeddedDatabase is the database name inside the embedded cluster.
const embeddedDatabase = "backoffice"

// database is an open connection pool plus whatever must be stopped with it.
type database struct {
	Pool *pgxpool.Pool
	// cluster is the embedded PostgreSQL this process started; it is
	// restarted whenever it dies (pools reconnect by themselves).
	cluster *pglaunch.Supervisor
}

// Close closes the pool and stops the embedded cluster if this process
// started it.
func (d *database) Close(ctx context.Context) error {
	d.Pool.Close()
	if d.cluster != nil {
		return d.cluster.Stop(ctx)
	}
	return nil
}

// openDatabase connects to BACKOFFICE_DATABASE_URL, or starts (or joins) the
// embedded cluster under <data>/postgres when it is unset.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*database, error) {
	return openDatabaseAdopting(ctx, cfg, log, true)
}

// openDatabaseAdopting is openDatabase; adopt false joins a running embedded
// cluster without ever adopting it: the audit commands only read, and an
// adopted cluster is stopped when the command ends. The orphan test compares
// process names, so a copy of the binary under another name (an auditor's
// `backoffice-audit verify`) took the cluster of a running serve for an
// orphan and shut it down under it.
func openDatabaseAdopting(ctx context.Context, cfg config.Config, log *slog.Logger, adopt bool) (*database, error) {
	if !cfg.Embedded() {
		pool, err := connect(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, err
		}
		return &database{Pool: pool}, nil
	}
	dataDir, err := filepath.Abs(filepath.Join(cfg.DataDir, "postgres"))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db := &database{}
	// Another backoffice process (serve) may already run this cluster: join it.
	if conn := joinEmbedded(ctx, dataDir); conn != "" {
		log.Info("using the embedded PostgreSQL started by another process", "data_dir", dataDir)
		// One whose starter died (kill -9 of serve) is ours to restart.
		if adopt {
			if sup, found, err := pglaunch.AdoptOrphan(pglaunch.Options{DataDir: dataDir, Logger: log}); err == nil && found {
				db.cluster = sup
			}
		}
		db.Pool, err = connect(ctx, conn)
		return db, err
	}
	log.Info("starting embedded PostgreSQL", "data_dir", dataDir)
	cluster, err := pglaunch.Supervise(ctx, pglaunch.Options{DataDir: dataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	db.cluster = cluster
	if err := ensureDatabase(ctx, cluster.ConnString("postgres"), embeddedDatabase); err != nil {
		_ = cluster.Stop(context.WithoutCancel(ctx))
		return nil, err
	}
	db.Pool, err = connect(ctx, cluster.ConnString(embeddedDatabase))
	if err != nil {
		_ = cluster.Stop(context.WithoutCancel(ctx))
		return nil, err
	}
	return db, nil
}

// joinEmbedded returns a connection string when a server is already
// accepting connections on the embedded cluster's socket.
func joinEmbedded(ctx context.Context, dataDir string) string {
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); err != nil {
		return ""
	}
	conn := fmt.Sprintf("host=%s port=%d user=postgres dbname=%s", dataDir, pglaunch.Port, embeddedDatabase)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, conn)
	if err != nil {
		return ""
	}
	_ = c.Close(ctx)
	return conn
}

func ensureDatabase(ctx context.Context, adminConn, name string) error {
	c, err := pgx.Connect(ctx, adminConn)
	if err != nil {
		return fmt.Errorf("connect to embedded PostgreSQL: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// idleInTransactionTimeout is the guard against outside work inside a
// transaction (docs/architecture.md, "No outside I/O inside a
// transaction"): PostgreSQL ends a session of the application's pool that
// sits idle inside a transaction this long, so its transaction rolls back
// and its caller gets an error (retried: a projector, a queue; 503 for a
// request). While a transaction with a transaction ID is open the
// PostgreSQL event store shows no reader the events committed after it
// began, so without the guard a transaction left waiting on a mail server
// or a gateway stalls every read model for as long as that takes. A minute
// is far beyond any gap between two statements of our transactions (they
// hold no outside I/O) and bounds the worst case. A connection string that
// sets idle_in_transaction_session_timeout itself keeps its value.
const (
	idleInTransactionParam   = "idle_in_transaction_session_timeout"
	idleInTransactionTimeout = "60s"
)

func connect(ctx context.Context, conn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(conn)
	if err != nil {
		return nil, errors.New("database: the connection string cannot be parsed")
	}
	if cfg.MaxConns < 20 {
		cfg.MaxConns = 20
	}
	if _, set := cfg.ConnConfig.RuntimeParams[idleInTransactionParam]; !set {
		cfg.ConnConfig.RuntimeParams[idleInTransactionParam] = idleInTransactionTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database: cannot reach PostgreSQL at %s: %w", cfg.ConnConfig.Host, err)
	}
	return pool, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
