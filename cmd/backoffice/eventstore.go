package main

import (
	"context"
	"errors"
	"log/slog"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/config"
)

// openedStore is the configured event store with its readiness check.
type openedStore struct {
	Store eventstore.Store
	Kind  string
	Check func(context.Context) error
}

// openEventStore opens EventStoreDB when BACKOFFICE_EVENTSTORE_URL is set,
// else the PostgreSQL event store in the application database.
func openEventStore(ctx context.Context, cfg config.Config, db *database, log *slog.Logger) (*openedStore, error) {
	if cfg.EventStoreURL != "" {
		return nil, errors.New("BACKOFFICE_EVENTSTORE_URL: EventStoreDB support is not built yet")
	}
	if err := postgres.Migrate(ctx, db.Pool.Config().ConnString()); err != nil {
		return nil, err
	}
	store, err := postgres.New(ctx, db.Pool, postgres.Options{AllowUnsafeFsync: cfg.AllowUnsafeFsync})
	if err != nil {
		return nil, err
	}
	return &openedStore{Store: store, Kind: "postgresql"}, nil
}
