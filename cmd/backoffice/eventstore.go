package main

import (
	"context"
	"log/slog"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
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
		st, err := esdb.Open(ctx, esdb.Config{URL: cfg.EventStoreURL, Logger: log})
		if err != nil {
			return nil, err
		}
		return &openedStore{Store: st, Kind: "eventstoredb", Check: st.Ping}, nil
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
