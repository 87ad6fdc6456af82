package api_test

import (
	"log/slog"
	"strings"
	"testing"

	"backoffice/http/api"
	"backoffice/internal/apitest"
	"backoffice/internal/liveness"
	"backoffice/internal/pgtest"
)

// TestServerNeedsALivenessOfTheClaimClass: a shared liveness that does not
// lock ClaimLockClass would make every claim of this process look dead
// to the others (a retry would run the command again while the first
// still runs): refused.
func TestServerNeedsALivenessOfTheClaimClass(t *testing.T) {
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "api", apitest.Migrate))
	deps := api.Deps{Log: slog.New(slog.DiscardHandler), Pool: pool, Auth: apitest.Auth(apitest.Actors()), Wait: neverCaughtUp{}}
	deps.Liveness = liveness.Start(pool, api.ClaimLockClass+1)
	t.Cleanup(deps.Liveness.Close)
	if _, err := api.New(deps); err == nil || !strings.Contains(err.Error(), "ClaimLockClass") {
		t.Errorf("a liveness of another class: %v; want it refused", err)
	}
	deps.Liveness = liveness.Start(pool, api.ClaimLockClass+1, api.ClaimLockClass)
	t.Cleanup(deps.Liveness.Close)
	if _, err := api.New(deps); err != nil {
		t.Errorf("a liveness that holds the class among others: %v", err)
	}
}
