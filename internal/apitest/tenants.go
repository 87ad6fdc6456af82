package apitest

import (
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	"backoffice/eventstore"
)

// Agreement is the agreement of the test tenants: normal hours (100) and
// overtime (125), entered by the worker and approved along chain.
func Agreement(chain ...domain.Role) client.Agreement {
	return client.Agreement{
		HourTypes: []client.HourType{
			{Code: "100", Name: "Normale uren", Percentage: 100},
			{Code: "125", Name: "Overuren 125%", Percentage: 125},
		},
		NormalHourType: "100",
		EnteredBy:      domain.RoleWorker,
		ApprovalChain:  chain,
	}
}

// SeedOneTenant seeds the first tenant of SeedTwoTenants alone: i1, c1
// Bakkerij Korenaar under agreement from 2025, and placement p1 of w1 as
// Bakker from Monday 5 January 2026. It returns the position of the last
// event.
func SeedOneTenant(t testing.TB, store eventstore.Store, at time.Time, agreement client.Agreement) string {
	t.Helper()
	Seed(t, store, at, client.Stream("c1"), &client.Registered{ClientID: "c1", IntermediaryID: "i1", Name: "Bakkerij Korenaar", KvK: "12345678",
		AgreementFrom: Day("2025-01-01"), Agreement: agreement})
	return Seed(t, store, at, placement.Stream("p1"), &placement.Started{PlacementID: "p1", WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1",
		Function: "Bakker", Start: Day("2026-01-05")})
}

// SeedTwoTenants seeds the two tenants of Actors at time at: (i1, c1
// Bakkerij Korenaar, placement p1 of w1 as Bakker; SeedOneTenant) and (i2,
// c2 Transport Smit, p2 of w2 as Chauffeur), both clients under agreement
// from 2025 and both placements from Monday 5 January 2026. It returns the
// position of the last event (for min_position).
func SeedTwoTenants(t testing.TB, store eventstore.Store, at time.Time, agreement client.Agreement) string {
	t.Helper()
	SeedOneTenant(t, store, at, agreement)
	Seed(t, store, at, client.Stream("c2"), &client.Registered{ClientID: "c2", IntermediaryID: "i2", Name: "Transport Smit", KvK: "87654321",
		AgreementFrom: Day("2025-01-01"), Agreement: agreement})
	return Seed(t, store, at, placement.Stream("p2"), &placement.Started{PlacementID: "p2", WorkerID: "w2", ClientID: "c2", IntermediaryID: "i2",
		Function: "Chauffeur", Start: Day("2026-01-05")})
}
