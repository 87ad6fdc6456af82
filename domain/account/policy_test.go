package account_test

import (
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
)

var (
	bo        = domain.Actor{Role: domain.RoleBackoffice}
	auditor   = domain.Actor{Role: domain.RoleAuditor}
	payroll   = domain.Actor{Role: domain.RolePayroll}
	interA    = domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-A"}
	clientA1  = domain.Actor{Role: domain.RoleClient, ClientID: "c-A1"}
	workerW1  = domain.Actor{Role: domain.RoleWorker, WorkerID: "w-1"}
	halfActor = domain.Actor{Role: domain.RoleClient} // tenant ID missing
	stranger  = domain.Actor{Role: "guest"}
	// w-1 works at c-A1 (intermediary i-A); w-2 at c-B1 (intermediary i-B).
	pW1 = account.PlacementRef{WorkerID: "w-1", ClientID: "c-A1", IntermediaryID: "i-A"}
	pW2 = account.PlacementRef{WorkerID: "w-2", ClientID: "c-B1", IntermediaryID: "i-B"}
)

func TestCanSeePlacementAndClient(t *testing.T) {
	tests := []struct {
		name        string
		actor       domain.Actor
		p           account.PlacementRef
		place, clnt bool
	}{
		{"backoffice", bo, pW2, true, true},
		{"auditor", auditor, pW2, true, true},
		{"payroll", payroll, pW2, true, true},
		{"intermediary own", interA, pW1, true, true},
		{"intermediary other", interA, pW2, false, false},
		{"client own", clientA1, pW1, true, true},
		{"client other", clientA1, pW2, false, false},
		{"client same intermediary other client", clientA1, account.PlacementRef{WorkerID: "w-3", ClientID: "c-A2", IntermediaryID: "i-A"}, false, false},
		{"worker own", workerW1, pW1, true, false},
		{"worker other", workerW1, pW2, false, false},
		{"half-filled actor", halfActor, account.PlacementRef{}, false, false},
		{"unknown role", stranger, pW1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := account.CanSeePlacement(tt.actor, tt.p); got != tt.place {
				t.Errorf("CanSeePlacement = %v", got)
			}
			if got := account.CanSeeClient(tt.actor, tt.p.ClientID, tt.p.IntermediaryID); got != tt.clnt {
				t.Errorf("CanSeeClient = %v", got)
			}
			if got := account.ScopeOf(tt.actor).Admits(tt.p); got != tt.place {
				t.Errorf("Scope.Admits = %v", got)
			}
		})
	}
}

func TestCanSeeIntermediary(t *testing.T) {
	if !account.CanSeeIntermediary(bo, "i-B") || !account.CanSeeIntermediary(interA, "i-A") {
		t.Error("should see")
	}
	if account.CanSeeIntermediary(interA, "i-B") || account.CanSeeIntermediary(clientA1, "i-A") ||
		account.CanSeeIntermediary(domain.Actor{Role: domain.RoleIntermediary}, "") {
		t.Error("should not see")
	}
}

func TestCanSeeWorker(t *testing.T) {
	places := []account.PlacementRef{pW1}
	if !account.CanSeeWorker(clientA1, "w-1", places) || !account.CanSeeWorker(interA, "w-1", places) ||
		!account.CanSeeWorker(workerW1, "w-1", nil) || !account.CanSeeWorker(auditor, "w-9", nil) {
		t.Error("should see")
	}
	if account.CanSeeWorker(clientA1, "w-2", []account.PlacementRef{pW2}) ||
		account.CanSeeWorker(clientA1, "w-2", places) || // placement of another worker
		account.CanSeeWorker(workerW1, "w-2", []account.PlacementRef{pW1}) {
		t.Error("should not see")
	}
}

func TestCanSeePersonalField(t *testing.T) {
	all := []account.PersonalField{account.FieldBSN, account.FieldIBAN, account.FieldDateOfBirth,
		account.FieldAddress, account.FieldMobile, account.FieldIDDocument}
	tests := []struct {
		actor    domain.Actor
		workerID string
		allowed  []account.PersonalField
	}{
		{bo, "w-1", all},
		{domain.Actor{Role: domain.RoleSystem}, "w-1", all},
		{workerW1, "w-1", all},
		{workerW1, "w-2", nil},
		{payroll, "w-1", []account.PersonalField{account.FieldBSN, account.FieldIBAN, account.FieldDateOfBirth, account.FieldAddress}},
		{clientA1, "w-1", []account.PersonalField{account.FieldDateOfBirth, account.FieldMobile}},
		{interA, "w-1", []account.PersonalField{account.FieldDateOfBirth, account.FieldMobile}},
		{auditor, "w-1", nil},
		{stranger, "w-1", nil},
	}
	for _, tt := range tests {
		allowed := map[account.PersonalField]bool{}
		for _, f := range tt.allowed {
			allowed[f] = true
		}
		for _, f := range all {
			if got := account.CanSeePersonalField(tt.actor, tt.workerID, f); got != allowed[f] {
				t.Errorf("%s on %s: %s = %v", tt.actor.Role, tt.workerID, f, got)
			}
		}
	}
	// The binding rule, stated on its own.
	for _, a := range []domain.Actor{clientA1, interA} {
		for _, f := range []account.PersonalField{account.FieldBSN, account.FieldIBAN, account.FieldIDDocument} {
			if account.CanSeePersonalField(a, "w-1", f) {
				t.Fatalf("%s receives %s", a.Role, f)
			}
		}
	}
}

func TestScopeOf(t *testing.T) {
	tests := []struct {
		actor domain.Actor
		want  account.Scope
	}{
		{bo, account.Scope{Kind: account.ScopeAll}},
		{auditor, account.Scope{Kind: account.ScopeAll}},
		{interA, account.Scope{Kind: account.ScopeIntermediary, ID: "i-A"}},
		{clientA1, account.Scope{Kind: account.ScopeClient, ID: "c-A1"}},
		{workerW1, account.Scope{Kind: account.ScopeWorker, ID: "w-1"}},
		{halfActor, account.Scope{Kind: account.ScopeNone}},
		{stranger, account.Scope{Kind: account.ScopeNone}},
		// A client actor with a stray worker ID is still scoped to its client.
		{domain.Actor{Role: domain.RoleClient, ClientID: "c-A1", WorkerID: "w-1"}, account.Scope{Kind: account.ScopeClient, ID: "c-A1"}},
	}
	for _, tt := range tests {
		if got := account.ScopeOf(tt.actor); got != tt.want {
			t.Errorf("ScopeOf(%+v) = %+v, want %+v", tt.actor, got, tt.want)
		}
	}
	if (account.Scope{Kind: account.ScopeNone}).Admits(pW1) {
		t.Error("none admits")
	}
}
