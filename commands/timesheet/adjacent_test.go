package timesheet_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/http/httpx"
)

// setupTR: client c2 with time registration, and its placements p2 and p3
// (both of worker w1).
func setupTR(t *testing.T) (*cmd.Handler, eventstore.Store) { return setupTROn(t, memory.New()) }

// setupTROn is setupTR on store.
func setupTROn(t *testing.T, store eventstore.Store) (*cmd.Handler, eventstore.Store) {
	h, store := setupOn(t, store)
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
	offer := func(tgt cmd.Target) step {
		return func(ctx context.Context, h *cmd.Handler) error {
			_, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: tgt})
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
		{name: "removing an entry lets a continuous Sunday shift run on to Monday's first shift",
			given: []step{
				add(five, entry(sun, "18:00", "23:00", false)),
				add(five, entry(sun, "14:00", "06:00", true)), // runs until 18:00
				add(six, entry(mon, "00:00", "08:00", false)),
			},
			when: remove(five, 1)}, // now runs until Monday 00:00: touching
		{name: "moving next week's first shift into an offered Sunday shift that ran on to it",
			given: []step{
				add(six, entry(mon, "07:00", "15:00", false)),
				add(five, entry(sun, "22:00", "06:00", true)), // runs until Monday 07:00
				offer(five), // keeps its end: the overlap rule decides
			},
			when:   change(six, 1, entry(mon, "06:30", "15:00", false)),
			target: six, field: "mon"},
		{name: "moving next week's first shift into an open Sunday shift that runs on to it",
			given: []step{
				add(six, entry(mon, "07:00", "15:00", false)),
				add(five, entry(sun, "22:00", "06:00", true)),
			},
			when: change(six, 1, entry(mon, "06:30", "15:00", false))}, // the Sunday shift follows (TestRunOnFollowsTheNextWeek)
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

// blindStore hides one stream from reads: a command reading it sees the
// state before any of its events, as a command racing the one that wrote
// them does.
type blindStore struct {
	eventstore.Store
	hidden string
}

func (s blindStore) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	if stream == s.hidden {
		return nil, eventstore.ErrStreamNotFound
	}
	return s.Store.ReadStream(ctx, stream, opts)
}

func (s blindStore) ReadStreams(ctx context.Context, reads ...eventstore.StreamRead) ([]eventstore.StreamSlice, error) {
	got, err := s.Store.ReadStreams(ctx, reads...)
	for i := range got {
		if got[i].Stream == s.hidden {
			got[i] = eventstore.StreamSlice{Stream: s.hidden}
		}
	}
	return got, err
}

// TestOfferRechecksTheNeighbouringWeeks: entries check the neighbouring
// weeks without locking them, so two weeks edited at the same moment can
// each pass against the other's old state. Offering checks every shift
// again: neither week can be offered with the overlap, and once it is
// resolved both can.
func TestOfferRechecksTheNeighbouringWeeks(t *testing.T) {
	h, store := setupTR(t)
	ctx := context.Background()
	w06 := ts.ISOWeek{Year: 2026, Week: 6}
	five, six := cmd.Target{PlacementID: "p2", Week: w05}, cmd.Target{PlacementID: "p2", Week: w06}
	if _, _, err := h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: six,
		Entry: ts.EntryInput{Date: w06.Start(), Start: clk("00:00"), End: clk("08:00")}}); err != nil {
		t.Fatal(err)
	}
	// The Sunday night shift is decided as if week 6 were still empty.
	racer, err := cmd.New(blindStore{Store: store, hidden: ts.StreamName("p2", w06)}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := racer.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: five,
		Entry: ts.EntryInput{Date: w05.End(), Start: clk("22:00"), End: clk("06:00")}}); err != nil {
		t.Fatalf("the racing entry: %v", err)
	}
	for _, tgt := range []cmd.Target{five, six} {
		_, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: tgt})
		if !errors.Is(err, &domain.Error{Code: "entries_overlap_adjacent_week"}) {
			t.Fatalf("offering %s with the overlap: err = %v, want entries_overlap_adjacent_week", tgt.Week, err)
		}
	}
	if _, err := h.RemoveEntry(ctx, meta(worker1), cmd.RemoveEntry{Target: six, EntryID: 1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: six,
		Entry: ts.EntryInput{Date: w06.Start(), Start: clk("06:00"), End: clk("14:00")}}); err != nil {
		t.Fatal(err)
	}
	for _, tgt := range []cmd.Target{five, six} {
		if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: tgt}); err != nil {
			t.Fatalf("offering %s after the overlap was resolved: %v", tgt.Week, err)
		}
	}
}

// TestContinuousSundayShiftRunsIntoNextWeek: the week's last continuous
// shift runs on to the first shift already recorded in the next week's
// timesheet, also when that week is approved (it is only read, never
// changed); with no shift there it ends at its own end. The end is decided
// when the Sunday shift is saved and recorded with it.
func TestContinuousSundayShiftRunsIntoNextWeek(t *testing.T) {
	w06 := ts.ISOWeek{Year: 2026, Week: 6}
	five, six := cmd.Target{PlacementID: "p2", Week: w05}, cmd.Target{PlacementID: "p2", Week: w06}
	client2 := domain.Actor{AccountID: "a-c2", Role: domain.RoleClient, ClientID: "c2"}
	sunday := ts.EntryInput{Date: w05.End(), Start: clk("22:00"), End: clk("06:00"), Continuous: true}
	for _, tt := range []struct {
		name    string
		monday  bool // week 6 has a Monday shift 07:00–15:00
		approve bool // week 6 is offered and approved before
		until   string
		minutes ts.Minutes
	}{
		{"next week open", true, false, "02-02 07:00", 540},
		{"next week approved", true, true, "02-02 07:00", 540},
		{"next week without shifts", false, false, "02-02 06:00", 480},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, store := setupTR(t)
			ctx := context.Background()
			if tt.monday {
				if _, _, err := h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: six,
					Entry: ts.EntryInput{Date: w06.Start(), Start: clk("07:00"), End: clk("15:00")}}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.approve {
				if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: six}); err != nil {
					t.Fatal(err)
				}
				if _, err := h.Approve(ctx, meta(client2), cmd.Approve{Target: six}); err != nil {
					t.Fatal(err)
				}
			}
			nextBefore := sheetOf(t, store, six).Version()
			if _, _, err := h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: five, Entry: sunday}); err != nil {
				t.Fatal(err)
			}
			w := sheetOf(t, store, five).Worked()
			if len(w) != 1 || w[0].End.In(ts.Location()).Format("02-01 15:04") != tt.until || w[0].Minutes != tt.minutes {
				t.Fatalf("worked %+v, want until %s, %d minutes", w, tt.until, tt.minutes)
			}
			if sheetOf(t, store, five).DayTotals()[6] != tt.minutes {
				t.Fatalf("Sunday holds %v", sheetOf(t, store, five).DayTotals())
			}
			if v := sheetOf(t, store, six).Version(); v != nextBefore {
				t.Fatalf("next week's stream changed: version %d -> %d", nextBefore, v)
			}
			if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: five}); err != nil {
				t.Fatalf("offering the week: %v", err)
			}
		})
	}
}
