package apitest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/api"
)

// Serve builds the API from deps behind an httptest server that stops when
// the test ends, and returns its base URL (…/api/v1).
func Serve(t testing.TB, deps api.Deps) string {
	t.Helper()
	server, err := api.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v1"
}

// ServeFeature serves feature alone on pool, for the actors of Actors (by
// ActorHeader), with nothing to wait for (NoWait), and returns the base URL.
func ServeFeature(t testing.TB, pool *pgxpool.Pool, feature api.Feature) string {
	t.Helper()
	return Serve(t, api.Deps{Log: slog.New(slog.DiscardHandler), Pool: pool, Auth: Auth(Actors()), Wait: NoWait{},
		Features: []api.Feature{feature}})
}

// NoWait is the api.Waiter of a feature whose reads no projector of the
// test writes: min_position has nothing to wait for.
type NoWait struct{}

func (NoWait) WaitFor(context.Context, eventstore.Position, ...string) error { return nil }

// Head is the position of the last event committed so far, as a command's
// answer gives it (for min_position and as_of), once $all shows it. The
// store's visible head can lag a commit while older transactions (the
// projectors' writes) are still open; a test that took that lagging head
// compared the read model with a replay up to an earlier position.
func Head(t testing.TB, store eventstore.Store) string {
	t.Helper()
	ctx := t.Context()
	p, err := store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := store.(interface {
		CommittedHead(context.Context) (eventstore.Position, error)
	})
	if !ok {
		return p.String()
	}
	want, err := c.CommittedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); p.Before(want); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the store's head stays at %s, before the committed %s", p, want)
		}
		if p, err = store.HeadPosition(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return p.String()
}

// SeedMeta is who prepares a test's events: the back office as "seed".
var SeedMeta = commands.Meta{Actor: domain.Actor{AccountID: "seed", Role: domain.RoleBackoffice}}

// Seed appends events to the new stream at time at, as SeedMeta, and
// returns the position of the last one (for min_position).
func Seed(t testing.TB, store eventstore.Store, at time.Time, stream string, events ...domain.Event) string {
	t.Helper()
	res, err := commands.Save(context.Background(), store, commands.Stream{Name: stream}, SeedMeta, at, events...)
	if err != nil {
		t.Fatal(err)
	}
	return res.Position.String()
}
