package timesheet_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// setupTR: client c2 with time registration, and its placements p2 and p3
// (both of worker w1).
func setupTR(t *testing.T) (*cmd.Handler, eventstore.Store) {
	h, store := setup(t)
	a := client.Agreement{HourTypes: []client.HourType{{Code: "100", Name: "Normaal", Percentage: 100}},
		NormalHourType: "100", EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient},
		TimeRegistration: true}
	seed(t, store, client.Stream("c2"),
		&client.Registered{ClientID: "c2", IntermediaryID: "i1", Name: "Nachtbakkerij", KvK: "87654321", AgreementFrom: day("2025-01-01"), Agreement: a})
	for _, id := range []string{"p2", "p3"} {
		seed(t, store, placement.Stream(id), &placement.Started{PlacementID: id, WorkerID: "w1", ClientID: "c2",
			IntermediaryID: "i1", Function: "Nachtbakker", Start: day("2026-01-05")})
	}
	return h, store
}

// clk parses "hh:mm".
func clk(s string) ts.Clock {
	c, err := ts.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

func TestEntriesAcrossTheWeekBoundary(t *testing.T) {
	w06 := ts.ISOWeek{Year: 2026, Week: 6}
	five, six := cmd.Target{PlacementID: "p2", Week: w05}, cmd.Target{PlacementID: "p2", Week: w06}
	sun, mon := w05.End(), w06.Start() // 2026-02-01, 2026-02-02
	entry := func(d ts.Date, start, end string, cont bool) ts.EntryInput {
		return ts.EntryInput{Date: d, Start: clk(start), End: clk(end), Continuous: cont}
	}
	type step func(ctx context.Context, h *cmd.Handler) error
	add := func(tgt cmd.Target, e ts.EntryInput) step {
		return func(ctx context.Context, h *cmd.Handler) error {
			_, _, err := h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: tgt, Entry: e})
			return err
		}
	}
	change := func(tgt cmd.Target, id int, e ts.EntryInput) step {
		return func(ctx context.Context, h *cmd.Handler) error {
			_, err := h.ChangeEntry(ctx, meta(worker1), cmd.ChangeEntry{Target: tgt, EntryID: id, Entry: e})
			return err
		}
	}
	remove := func(tgt cmd.Target, id int) step {
		return func(ctx context.Context, h *cmd.Handler) error {
			_, err := h.RemoveEntry(ctx, meta(worker1), cmd.RemoveEntry{Target: tgt, EntryID: id})
			return err
		}
	}
	sundayNight := add(five, entry(sun, "22:00", "06:00", false))
	tests := []struct {
		name   string
		given  []step
		when   step
		target cmd.Target // the stream the command is refused on
		field  string     // "" when the command succeeds
	}{
		{name: "Monday entry after last week's Sunday night shift was entered",
			given: []step{sundayNight}, when: add(six, entry(mon, "00:00", "08:00", false)), target: six, field: "mon"},
		{name: "Sunday night shift after next week's Monday entry was entered",
			given: []step{add(six, entry(mon, "00:00", "08:00", false))}, when: sundayNight, target: five, field: "sun"},
		{name: "Monday entry starting when the night shift ends",
			given: []step{sundayNight}, when: add(six, entry(mon, "06:00", "14:00", false))},
		{name: "changing the Monday entry into the night shift",
			given:  []step{sundayNight, add(six, entry(mon, "08:00", "16:00", false))},
			when:   change(six, 1, entry(mon, "04:00", "12:00", false)),
			target: six, field: "mon"},
		{name: "changing the Sunday entry into a night shift",
			given:  []step{add(five, entry(sun, "08:00", "16:00", false)), add(six, entry(mon, "00:00", "08:00", false))},
			when:   change(five, 1, entry(sun, "22:00", "06:00", false)),
			target: five, field: "sun"},
		{name: "removing an entry lets a continuous Sunday shift run into Monday",
			given: []step{
				add(five, entry(sun, "18:00", "23:00", false)),
				add(five, entry(sun, "14:00", "06:00", true)), // runs until 18:00
				add(six, entry(mon, "00:00", "08:00", false)),
			},
			when:   remove(five, 1),
			target: five, field: "sun"},
		{name: "another placement's night shift does not count",
			given: []step{add(cmd.Target{PlacementID: "p3", Week: w05}, entry(sun, "22:00", "06:00", false))},
			when:  add(six, entry(mon, "00:00", "08:00", false))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, store := setupTR(t)
			ctx := context.Background()
			for i, g := range tt.given {
				if err := g(ctx, h); err != nil {
					t.Fatalf("given %d: %v", i, err)
				}
			}
			var before *ts.Timesheet
			if tt.field != "" {
				before = sheetOf(t, store, tt.target)
			}
			err := tt.when(ctx, h)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != "entries_overlap_adjacent_week" || de.Field != tt.field || de.MessageNL == "" {
				t.Fatalf("err = %v, want entries_overlap_adjacent_week on %s", err, tt.field)
			}
			if got := httpx.Status(err); got != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", got)
			}
			if after := sheetOf(t, store, tt.target); after.Version() != before.Version() {
				t.Fatalf("refused command appended: version %d -> %d", before.Version(), after.Version())
			}
		})
	}
}
