package domain_test

import (
	"testing"

	"backoffice/domain"
)

func TestActorTenant(t *testing.T) {
	for _, tt := range []struct {
		role domain.Role
		want domain.Actor
	}{
		{domain.RoleIntermediary, domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "t-1"}},
		{domain.RoleClient, domain.Actor{Role: domain.RoleClient, ClientID: "t-1"}},
		{domain.RoleWorker, domain.Actor{Role: domain.RoleWorker, WorkerID: "t-1"}},
		{domain.RoleBackoffice, domain.Actor{Role: domain.RoleBackoffice}},
		{domain.RolePayroll, domain.Actor{Role: domain.RolePayroll}},
	} {
		got := domain.Actor{Role: tt.role}.WithTenant("t-1")
		if got != tt.want {
			t.Errorf("%s: WithTenant = %+v, want %+v", tt.role, got, tt.want)
		}
		wantTenant := ""
		if tt.want.IntermediaryID+tt.want.ClientID+tt.want.WorkerID != "" {
			wantTenant = "t-1"
		}
		if got.Tenant() != wantTenant {
			t.Errorf("%s: Tenant = %q, want %q", tt.role, got.Tenant(), wantTenant)
		}
	}
}
