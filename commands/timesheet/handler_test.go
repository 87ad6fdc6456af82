package timesheet_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/domaintest"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/memory"
)

var (
	now     = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC) // Monday of W06, 09:00 Amsterdam
	w05     = ts.ISOWeek{Year: 2026, Week: 5}
	worker1 = domain.Actor{AccountID: "a-w1", Role: domain.RoleWorker, WorkerID: "w1"}
	client1 = domain.Actor{AccountID: "a-c1", Role: domain.RoleClient, ClientID: "c1"}
	inter1  = domain.Actor{AccountID: "a-i1", Role: domain.RoleIntermediary, IntermediaryID: "i1"}
	payroll = domain.Actor{AccountID: "a-p", Role: domain.RolePayroll}
)

// day and clk are calendar-day and time-of-day literals (domaintest).
var (
	day = domaintest.Day
	clk = domaintest.Clock
)

func seed(t *testing.T, store eventstore.Store, stream string, events ...domain.Event) {
	t.Helper()
	if _, err := commands.Save(context.Background(), store, commands.Stream{Name: stream},
		commands.Meta{Actor: domain.Actor{Role: domain.RoleBackoffice}}, now, events...); err != nil {
		t.Fatal(err)
	}
}

// setup: client c1 (intermediary i1) whose agreement changes on 2026-01-26
// (week 5) from [client] approval with time registration off to [client,
// intermediary] with an overtime type; placement p1 of worker w1.
func setup(t *testing.T) (*cmd.Handler, eventstore.Store) { return setupOn(t, memory.New()) }

// setupOn is setup on store.
func setupOn(t *testing.T, store eventstore.Store) (*cmd.Handler, eventstore.Store) {
	old := client.Agreement{HourTypes: []client.HourType{{Code: "100", Name: "Normaal", Percentage: 100}},
		NormalHourType: "100", EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient}}
	newer := old.Clone()
	newer.HourTypes = append(newer.HourTypes, client.HourType{Code: "125", Name: "Overuren", Percentage: 125})
	newer.ApprovalChain = []domain.Role{domain.RoleClient, domain.RoleIntermediary}
	seed(t, store, client.Stream("c1"),
		&client.Registered{ClientID: "c1", IntermediaryID: "i1", Name: "Korenaar", KvK: "12345678", AgreementFrom: day("2025-01-01"), Agreement: old},
		&client.AgreementChanged{ClientID: "c1", EffectiveFrom: day("2026-01-26"), Agreement: newer})
	seed(t, store, placement.Stream("p1"), &placement.Started{PlacementID: "p1", WorkerID: "w1", ClientID: "c1",
		IntermediaryID: "i1", Function: "Bakker", Start: day("2026-01-05")})
	h, err := cmd.New(store, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return h, store
}

func meta(a domain.Actor) commands.Meta { return commands.Meta{Actor: a} }

func TestAgreementOfTheWeek(t *testing.T) {
	h, _ := setup(t)
	ctx := context.Background()
	line := [7]ts.Minutes{60}
	// Week 4 has the old agreement: no overtime type.
	_, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 4}}, HourType: "125", Minutes: line})
	if !errors.Is(err, &domain.Error{Code: "hour_type_not_agreed"}) {
		t.Fatalf("overtime in week 4: %v, want hour_type_not_agreed", err)
	}
	// Week 5 has the new one: overtime, and a two-step chain.
	tgt := cmd.Target{PlacementID: "p1", Week: w05}
	if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: tgt, HourType: "125", Minutes: line}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: tgt}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Approve(ctx, meta(client1), cmd.Approve{Target: tgt}); err != nil {
		t.Fatal(err)
	}
	// Payroll cannot import before the intermediary approved.
	if _, err := h.MarkImported(ctx, meta(payroll), cmd.MarkImported{Target: tgt, ImportBatch: "b"}); !errors.Is(err, &domain.Error{Code: "not_approved"}) {
		t.Fatalf("import before approval: %v", err)
	}
	if _, err := h.Approve(ctx, meta(inter1), cmd.Approve{Target: tgt}); err != nil {
		t.Fatal(err)
	}
	res, err := h.MarkImported(ctx, meta(payroll), cmd.MarkImported{Target: tgt, ImportBatch: "b"})
	if err != nil || res.Position.IsStart() {
		t.Fatalf("import: %+v %v", res, err)
	}
	// The same import again records nothing and is not an error.
	again, err := h.MarkImported(ctx, meta(payroll), cmd.MarkImported{Target: tgt, ImportBatch: "b"})
	if err != nil || !again.Position.IsStart() || again.Revision != res.Revision {
		t.Fatalf("repeated import: %+v %v", again, err)
	}
}

func TestScope(t *testing.T) {
	h, _ := setup(t)
	ctx := context.Background()
	tgt := cmd.Target{PlacementID: "p1", Week: w05}
	others := []domain.Actor{
		{Role: domain.RoleWorker, WorkerID: "w2"},
		{Role: domain.RoleClient, ClientID: "c2"},
		{Role: domain.RoleIntermediary, IntermediaryID: "i2"},
		{Role: domain.RoleWorker}, // a half-filled actor sees nothing
	}
	for _, a := range others {
		if _, err := h.SetLine(ctx, meta(a), cmd.SetLine{Target: tgt, HourType: "100", Minutes: [7]ts.Minutes{60}}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%+v: %v, want not found", a, err)
		}
	}
	// Unknown placements are not found either; a client of the placement may
	// see it but not enter the worker's hours (403).
	if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: cmd.Target{PlacementID: "nope", Week: w05}}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown placement: %v", err)
	}
	_, err := h.SetLine(ctx, meta(client1), cmd.SetLine{Target: tgt, HourType: "100", Minutes: [7]ts.Minutes{60}})
	if domain.KindOf(err) != domain.KindForbidden {
		t.Errorf("client entering the worker's hours: %v, want forbidden", err)
	}
}

func TestBulkApprove(t *testing.T) {
	h, store := setup(t)
	ctx := context.Background()
	w4 := cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 4}}
	w5 := cmd.Target{PlacementID: "p1", Week: w05}
	for _, tgt := range []cmd.Target{w4, w5} {
		if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: tgt, HourType: "100", Minutes: [7]ts.Minutes{480}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: w4}); err != nil {
		t.Fatal(err)
	}
	out, last, err := h.BulkApprove(ctx, meta(client1), []cmd.BulkItem{{Target: w4}, {Target: w5}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Err != nil || !errors.Is(out[1].Err, &domain.Error{Code: "not_offered"}) || last.Position != out[0].Result.Position {
		t.Fatalf("outcomes %+v, last %+v", out, last)
	}
	// Step and hash bind an item to what the list showed: W05 offered,
	// approved by the client; the intermediary's item still naming the
	// client's step (or the old offer's hash) is a conflict, the current one
	// goes through.
	if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: w5}); err != nil {
		t.Fatal(err)
	}
	hash := sheetOf(t, store, w5).OfferedHash()
	zero, one := 0, 1
	if _, err := h.Approve(ctx, meta(client1), cmd.Approve{Target: w5, Step: &zero, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		item cmd.BulkItem
		want error
	}{
		{cmd.BulkItem{Target: w5, Step: &zero, Hash: hash}, &domain.Error{Code: "step_already_approved"}},
		{cmd.BulkItem{Target: w5, Step: &one, Hash: "stale"}, &domain.Error{Code: "content_changed"}},
		{cmd.BulkItem{Target: w5, Step: &one, Hash: hash}, nil},
	} {
		out, _, err := h.BulkApprove(ctx, meta(inter1), []cmd.BulkItem{tc.item})
		if err != nil || len(out) != 1 || !errors.Is(out[0].Err, tc.want) || (tc.want == nil && out[0].Err != nil) {
			t.Fatalf("item %+v: %+v, %v; want %v", tc.item, out, err, tc.want)
		}
	}
	if _, _, err := h.BulkApprove(ctx, meta(client1), []cmd.BulkItem{{Target: w4}, {Target: w4}}); !errors.Is(err, &domain.Error{Code: "duplicate_item"}) {
		t.Fatalf("duplicate items: %v", err)
	}
}
