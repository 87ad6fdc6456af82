package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"backoffice/internal/app"
	"backoffice/internal/config"
)

// assembled is the application with what must be closed after it.
type assembled struct {
	App *app.App
	es  *openedStore
	db  *database
	log *slog.Logger
	cfg config.Config
}

// Close closes the event store, the pool and the embedded cluster (if this
// process started it), bounded by the shutdown timeout.
func (a *assembled) Close(ctx context.Context) {
	_ = a.es.Store.Close()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := a.db.Close(stopCtx); err != nil {
		a.log.Error("stop embedded PostgreSQL", "err", err)
	}
}

// loadConfig reads the configuration from args and the environment and
// builds the logger on stderr: how every command starts.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config.Config, *slog.Logger, error) {
	cfg, err := config.Load(args, getenv)
	if err != nil {
		return cfg, nil, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, newLogger(cfg, stderr), nil
}

// openConfigured is loadConfig and openDatabase: the start of the commands
// that work on the database alone (migrate, backup, restore). The caller
// closes the database.
func openConfigured(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) (config.Config, *database, error) {
	cfg, log, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return cfg, nil, err
	}
	db, err := openDatabase(ctx, cfg, log)
	return cfg, db, err
}

// start is loadConfig and assemble: the application of serve and
// projections, built from their arguments.
func start(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) (*assembled, error) {
	cfg, log, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return nil, err
	}
	return assemble(ctx, cfg, getenv, log)
}

// assemble opens the database and the event store, migrates the schema and
// builds the application: what serve, projections and bootstrap share.
func assemble(ctx context.Context, cfg config.Config, getenv func(string) string, log *slog.Logger) (*assembled, error) {
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	out := &assembled{db: db, log: log, cfg: cfg}
	reg := newRegistry()
	es, err := openEventStore(ctx, cfg, db, log, reg)
	if err != nil {
		_ = db.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	out.es = es
	fail := func(err error) (*assembled, error) {
		out.Close(ctx)
		return nil, err
	}
	if err := app.Migrate(ctx, db.Pool); err != nil {
		return fail(err)
	}
	opts, err := appOptions(cfg, db, es, log)
	if err != nil {
		return fail(err)
	}
	opts.Registry = reg
	if out.App, err = app.New(ctx, opts); err != nil {
		return fail(err)
	}
	reg.MustRegister(newDeliveryQueues(out.App.Backlogs))
	return out, nil
}
