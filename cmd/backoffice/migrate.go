package main

import (
	"context"
	"fmt"
	"io"

	"backoffice/eventstore/postgres"
	"backoffice/internal/app"
)

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, db, err := openConfigured(ctx, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	if cfg.EventStoreURL == "" {
		if err := postgres.Migrate(ctx, db.Pool.Config().ConnString()); err != nil {
			return err
		}
	}
	if err := app.Migrate(ctx, db.Pool); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "schema is up to date")
	return nil
}
