package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

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
func openEventStore(ctx context.Context, cfg config.Config, db *database, log *slog.Logger, reg prometheus.Registerer) (*openedStore, error) {
	observe := observeStore(reg)
	if cfg.EventStoreURL != "" {
		st, err := esdb.Open(ctx, esdb.Config{URL: cfg.EventStoreURL, Logger: log})
		if err != nil {
			return nil, err
		}
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "backoffice_eventstore_foreign_events_skipped_total",
			Help: "Events in $all that this application did not write (a shared EventStoreDB cluster), skipped by reads and subscriptions.",
		}, func() float64 { return float64(st.ForeignSkipped()) }))
		return &openedStore{Store: eventstore.Observed(st, observe), Kind: "eventstoredb", Check: st.Ping}, nil
	}
	if err := postgres.Migrate(ctx, db.Pool.Config().ConnString()); err != nil {
		return nil, err
	}
	store, err := postgres.New(ctx, db.Pool, postgres.Options{AllowUnsafeFsync: cfg.AllowUnsafeFsync})
	if err != nil {
		return nil, err
	}
	return &openedStore{Store: eventstore.Observed(store, observe), Kind: "postgresql"}, nil
}
