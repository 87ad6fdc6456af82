package document_test

import (
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
)

// TestScopeOfAgreesWithCanSee: the row scope the queries filter with admits
// exactly the documents CanSee lets the actor see, for every role, with and
// without a tenant ID, over rows of two tenants.
func TestScopeOfAgreesWithCanSee(t *testing.T) {
	var actors []domain.Actor
	for _, r := range []domain.Role{domain.RoleBackoffice, domain.RoleSystem, domain.RoleAuditor, domain.RolePayroll,
		domain.RoleClient, domain.RoleIntermediary, domain.RoleWorker} {
		actors = append(actors, domain.Actor{Role: r},
			domain.Actor{Role: r, ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"})
	}
	rows := []account.PlacementRef{
		{ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"},
		{ClientID: "c1", IntermediaryID: "i1"},
		{ClientID: "c2", IntermediaryID: "i2", WorkerID: "w2"},
	}
	for _, a := range actors {
		for _, r := range rows {
			if got, want := doc.ScopeOf(a).Admits(r), doc.CanSee(a, r.ClientID, r.IntermediaryID, r.WorkerID); got != want {
				t.Errorf("%+v on %+v: scope admits %v, CanSee %v", a, r, got, want)
			}
		}
	}
}
