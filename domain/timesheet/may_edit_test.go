package timesheet_test

import (
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

func TestMayEdit(t *testing.T) {
	for _, c := range []struct {
		name      string
		actor     domain.Actor
		enteredBy domain.Role
		status    ts.Status
		fillable  bool
		want      bool
	}{
		{"the enterer, open", client, domain.RoleClient, ts.StatusOpen, true, true},
		{"the enterer, nothing entered yet", client, domain.RoleClient, ts.StatusNone, true, true},
		{"the enterer, rejected", client, domain.RoleClient, ts.StatusRejected, true, true},
		{"the back office", backoffice, domain.RoleWorker, ts.StatusOpen, true, true},
		{"not the enterer", worker, domain.RoleClient, ts.StatusOpen, true, false},
		{"offered", client, domain.RoleClient, ts.StatusOffered, true, false},
		{"approved", client, domain.RoleClient, ts.StatusApproved, true, false},
		{"imported", backoffice, domain.RoleClient, ts.StatusImported, true, false},
		{"week not fillable", client, domain.RoleClient, ts.StatusOpen, false, false},
		{"no enterer known", backoffice, "", ts.StatusOpen, true, false},
	} {
		if got := ts.MayEdit(c.actor, c.enteredBy, c.status, c.fillable); got != c.want {
			t.Errorf("%s: MayEdit = %v, want %v", c.name, got, c.want)
		}
	}
}
