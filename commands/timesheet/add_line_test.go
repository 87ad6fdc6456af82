package timesheet_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// sheetOf replays a timesheet stream from the store.
func sheetOf(t *testing.T, store eventstore.Store, tgt cmd.Target) *ts.Timesheet {
	t.Helper()
	s := &ts.Timesheet{}
	if _, err := commands.LoadInto(context.Background(), store, ts.StreamName(tgt.PlacementID, tgt.Week), ts.Events, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAddLine(t *testing.T) {
	w04 := ts.ISOWeek{Year: 2026, Week: 4}
	five := cmd.Target{PlacementID: "p1", Week: w05}
	backoffice := domain.Actor{AccountID: "a-bo", Role: domain.RoleBackoffice}
	overtime := [7]ts.Minutes{0, 0, 120}
	setOvertime := func(t *testing.T, h *cmd.Handler) {
		if _, err := h.SetLine(context.Background(), meta(worker1), cmd.SetLine{Target: five, HourType: "125", Minutes: overtime}); err != nil {
			t.Fatal(err)
		}
	}
	offer := func(t *testing.T, h *cmd.Handler) {
		ctx := context.Background()
		if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: five, HourType: "100", Minutes: [7]ts.Minutes{480}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: five}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		given    func(t *testing.T, h *cmd.Handler)
		actor    domain.Actor
		target   cmd.Target
		hourType string
		wantErr  error       // nil: the line is added
		wantKind domain.Kind // checked when wantErr is set
	}{
		{name: "an agreed hour type", actor: worker1, target: five, hourType: "125"},
		{name: "by the back office", actor: backoffice, target: five, hourType: "125"},
		{name: "after a rejection", actor: worker1, target: five, hourType: "125", given: func(t *testing.T, h *cmd.Handler) {
			offer(t, h)
			if _, err := h.Reject(context.Background(), meta(client1), cmd.Reject{Target: five, Reason: "Woensdag overuren vergeten"}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a line that exists keeps its hours", given: setOvertime, actor: worker1, target: five, hourType: "125",
			wantErr: &domain.Error{Code: "line_exists"}, wantKind: domain.KindConflict},
		{name: "not agreed in that week", actor: worker1, target: cmd.Target{PlacementID: "p1", Week: w04}, hourType: "125",
			wantErr: &domain.Error{Code: "hour_type_not_agreed"}, wantKind: domain.KindRule},
		{name: "not agreed at all", actor: worker1, target: five, hourType: "999",
			wantErr: &domain.Error{Code: "hour_type_not_agreed"}, wantKind: domain.KindRule},
		{name: "no hour type", actor: worker1, target: five, hourType: "",
			wantErr: &domain.Error{Code: "hour_type_required"}, wantKind: domain.KindInvalid},
		{name: "the client does not enter", actor: client1, target: five, hourType: "125",
			wantErr: &domain.Error{Code: "not_the_enterer"}, wantKind: domain.KindForbidden},
		{name: "offered: locked", given: offer, actor: worker1, target: five, hourType: "125",
			wantErr: &domain.Error{Code: "timesheet_offered"}, wantKind: domain.KindConflict},
		{name: "outside the placement period", actor: worker1, target: cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2025, Week: 50}}, hourType: "100",
			wantErr: &domain.Error{Code: "week_outside_placement"}, wantKind: domain.KindRule},
		{name: "another worker: not found", actor: domain.Actor{Role: domain.RoleWorker, WorkerID: "w2"}, target: five, hourType: "",
			wantErr: domain.ErrNotFound, wantKind: domain.KindNotFound},
		{name: "an unknown placement: not found", actor: worker1, target: cmd.Target{PlacementID: "nope", Week: w05}, hourType: "125",
			wantErr: domain.ErrNotFound, wantKind: domain.KindNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, store := setup(t)
			if tc.given != nil {
				tc.given(t, h)
			}
			before := sheetOf(t, store, tc.target)
			res, err := h.AddLine(context.Background(), meta(tc.actor), cmd.AddLine{Target: tc.target, HourType: tc.hourType})
			after := sheetOf(t, store, tc.target)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || domain.KindOf(err) != tc.wantKind {
					t.Fatalf("error %v (kind %d), want %v (kind %d)", err, domain.KindOf(err), tc.wantErr, tc.wantKind)
				}
				// Nothing recorded: an existing line keeps its hours.
				if after.Version() != before.Version() {
					t.Fatalf("a refused AddLine recorded %d events", after.Version()-before.Version())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Position.IsStart() {
				t.Fatalf("no position: %+v", res)
			}
			l, ok := after.Line(tc.hourType)
			if !ok || l.Minutes != ([7]ts.Minutes{}) || l.HourType.Name != "Overuren" {
				t.Fatalf("line %q = %+v (%v), want an empty line", tc.hourType, l, ok)
			}
			if before.Status() == ts.StatusRejected && after.Status() != ts.StatusRejected {
				t.Fatalf("status after adding to a rejected week: %s", after.Status())
			}
			// Adding it again is a conflict.
			if _, err := h.AddLine(context.Background(), meta(tc.actor), cmd.AddLine{Target: tc.target, HourType: tc.hourType}); !errors.Is(err, &domain.Error{Code: "line_exists"}) {
				t.Fatalf("second AddLine: %v, want line_exists", err)
			}
		})
	}
}

func TestTerms(t *testing.T) {
	for _, tc := range []struct {
		name      string
		actor     domain.Actor
		target    cmd.Target
		wantTypes []string
		wantChain []domain.Role
		wantErr   error
	}{
		{name: "the old agreement", actor: worker1, target: cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 4}},
			wantTypes: []string{"100"}, wantChain: []domain.Role{domain.RoleClient}},
		{name: "the new agreement", actor: client1, target: cmd.Target{PlacementID: "p1", Week: w05},
			wantTypes: []string{"100", "125"}, wantChain: []domain.Role{domain.RoleClient, domain.RoleIntermediary}},
		{name: "the intermediary", actor: inter1, target: cmd.Target{PlacementID: "p1", Week: w05},
			wantTypes: []string{"100", "125"}, wantChain: []domain.Role{domain.RoleClient, domain.RoleIntermediary}},
		{name: "another client", actor: domain.Actor{Role: domain.RoleClient, ClientID: "c2"}, target: cmd.Target{PlacementID: "p1", Week: w05},
			wantErr: domain.ErrNotFound},
		{name: "a half-filled actor", actor: domain.Actor{Role: domain.RoleIntermediary}, target: cmd.Target{PlacementID: "p1", Week: w05},
			wantErr: domain.ErrNotFound},
		{name: "an unknown placement", actor: worker1, target: cmd.Target{PlacementID: "nope", Week: w05}, wantErr: domain.ErrNotFound},
		{name: "before the placement", actor: worker1, target: cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2025, Week: 50}},
			wantErr: &domain.Error{Code: "week_outside_placement"}},
		{name: "no week", actor: worker1, target: cmd.Target{PlacementID: "p1"}, wantErr: &domain.Error{Code: "week_invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := setup(t)
			terms, err := h.Terms(context.Background(), tc.actor, tc.target)
			if domaintest.Refused(t, err, tc.wantErr) {
				return
			}
			var types []string
			for _, ht := range terms.HourTypes {
				types = append(types, ht.Code)
			}
			if !slices.Equal(types, tc.wantTypes) || !slices.Equal(terms.Chain, tc.wantChain) {
				t.Fatalf("hour types %v, chain %v; want %v, %v", types, terms.Chain, tc.wantTypes, tc.wantChain)
			}
			if terms.PlacementID != "p1" || terms.Week != tc.target.Week || terms.EnteredBy != domain.RoleWorker ||
				terms.NormalHourType != "100" || terms.TimeRegistration || terms.ClientID != "c1" || terms.WorkerID != "w1" {
				t.Fatalf("terms = %+v", terms)
			}
			if err := terms.Validate(); err != nil {
				t.Fatalf("the terms do not validate: %v", err)
			}
		})
	}
}
