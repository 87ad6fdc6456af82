package timesheet_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/http/httpx"
	"backoffice/internal/pgtest"
)

// pgStore is the PostgreSQL event store on a fresh database.
func pgStore(t *testing.T) eventstore.Store {
	cs := pgtest.NewDBFromTemplate(t, "eventstore", postgres.Migrate)
	return pgtest.EventStore(t, pgtest.Pool(t, cs))
}

// friday: every day of week 6 has begun (hours on Wednesday are not in
// the future).
var friday = time.Date(2026, 2, 6, 12, 0, 0, 0, time.UTC)

// followEnv is placement p2 (time registration, the worker enters, the
// client approves) on the PostgreSQL event store, with the commands'
// clock on Friday of week 6.
func followEnv(t *testing.T, store eventstore.Store) *cmd.Handler {
	t.Helper()
	setupTROn(t, store)
	h, err := cmd.New(store, func() time.Time { return friday })
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var (
	w06      = ts.ISOWeek{Year: 2026, Week: 6}
	five     = cmd.Target{PlacementID: "p2", Week: w05}
	six      = cmd.Target{PlacementID: "p2", Week: w06}
	client2  = domain.Actor{AccountID: "a-c2", Role: domain.RoleClient, ClientID: "c2"}
	sundayIn = ts.EntryInput{Date: w05.End(), Start: clk("22:00"), End: clk("06:00"), Continuous: true}
)

func shiftOn(d ts.Date, start, end string) ts.EntryInput {
	return ts.EntryInput{Date: d, Start: clk(start), End: clk(end)}
}

// sundayEnd is where week 5's continuous Sunday shift ends as recorded,
// its minutes, and Sunday's total.
func sundayEnd(t *testing.T, store eventstore.Store) (string, ts.Minutes, ts.Minutes) {
	t.Helper()
	s := sheetOf(t, store, five)
	w := s.Worked()
	if len(w) != 1 {
		t.Fatalf("week 5 worked %+v, want the Sunday shift", w)
	}
	return w[0].End.In(ts.Location()).Format("Mon 15:04"), w[0].Minutes, s.DayTotals()[6]
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRunOnFollowsTheNextWeek: week 5's continuous Sunday shift (open)
// follows every change of week 6's first shift: entered after it, moved
// earlier (into the run-on, which was entries_overlap_adjacent_week),
// moved later, removed. Each time week 5 records the new end itself
// (time_entry_changed, followed_next_week) before week 6's event. Once
// week 5 is offered it keeps its end and the overlap rule decides; a
// change that would run it on past 24 hours is refused with nothing
// appended to either week.
func TestRunOnFollowsTheNextWeek(t *testing.T) {
	store := pgStore(t)
	h := followEnv(t, store)
	ctx := context.Background()
	w := meta(worker1)
	mon, wed := w06.Start(), w06.Start().AddDays(2)
	_, _, err := h.AddEntry(ctx, w, cmd.AddEntry{Target: five, Entry: sundayIn})
	mustDo(t, err)

	steps := []struct {
		name   string
		run    func() (commands.Result, error)
		until  string
		sunday ts.Minutes
	}{
		{"Monday shift entered", func() (commands.Result, error) {
			res, _, err := h.AddEntry(ctx, w, cmd.AddEntry{Target: six, Entry: shiftOn(mon, "07:00", "15:00")})
			return res, err
		}, "Mon 07:00", 540},
		{"moved earlier into the run-on", func() (commands.Result, error) {
			return h.ChangeEntry(ctx, w, cmd.ChangeEntry{Target: six, EntryID: 1, Entry: shiftOn(mon, "06:30", "15:00")})
		}, "Mon 06:30", 510},
		{"moved later", func() (commands.Result, error) {
			return h.ChangeEntry(ctx, w, cmd.ChangeEntry{Target: six, EntryID: 1, Entry: shiftOn(mon, "07:30", "15:00")})
		}, "Mon 07:30", 570},
		{"removed", func() (commands.Result, error) {
			return h.RemoveEntry(ctx, w, cmd.RemoveEntry{Target: six, EntryID: 1})
		}, "Mon 06:00", 480},
	}
	for _, st := range steps {
		v5 := sheetOf(t, store, five).Version()
		res, err := st.run()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if until, m, day := sundayEnd(t, store); until != st.until || m != st.sunday || day != st.sunday {
			t.Errorf("%s: week 5's Sunday shift until %s, %d minutes, Sunday %d; want %s, %d", st.name, until, m, day, st.until, st.sunday)
		}
		evs, err := store.ReadStream(ctx, ts.StreamName("p2", w05), eventstore.ReadStreamOptions{From: uint64(v5)})
		if err != nil || len(evs) != 1 || evs[0].Type != ts.TypeTimeEntryChanged {
			t.Fatalf("%s: week 5 recorded %d events (%v), want one time_entry_changed", st.name, len(evs), err)
		}
		e, _ := ts.Events.Decode(evs[0].Type, evs[0].Data)
		if c := e.(*ts.TimeEntryChanged); !c.FollowedNextWeek || c.Entry != sheetOf(t, store, five).Entries()[0].Entry {
			t.Errorf("%s: recorded %+v", st.name, c)
		}
		last, err := store.ReadStream(ctx, ts.StreamName("p2", w06), eventstore.ReadStreamOptions{Direction: eventstore.Backwards, FromEnd: true, Max: 1})
		if err != nil || !last[0].Position.After(evs[0].Position) || res.Position != last[0].Position {
			t.Errorf("%s: week 6's event at %v, week 5's follow-up at %v, result %v: the follow-up goes first", st.name, last[0].Position, evs[0].Position, res.Position)
		}
	}

	// Running on to Wednesday would put more than 24 hours on Sunday.
	v5, v6 := sheetOf(t, store, five).Version(), sheetOf(t, store, six).Version()
	_, _, err = h.AddEntry(ctx, w, cmd.AddEntry{Target: six, Entry: shiftOn(wed, "07:00", "15:00")})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "previous_week_run_on" || de.MessageNL == "" || httpx.Status(err) != http.StatusUnprocessableEntity {
		t.Fatalf("Wednesday shift: err = %v, want 422 previous_week_run_on", err)
	}
	if sheetOf(t, store, five).Version() != v5 || sheetOf(t, store, six).Version() != v6 {
		t.Fatal("a refused command appended")
	}

	// Offered, week 5 keeps its end: a later shift is entered without
	// changing it, one into it is an overlap.
	_, err = h.Offer(ctx, w, cmd.Offer{Target: five})
	mustDo(t, err)
	v5 = sheetOf(t, store, five).Version()
	_, _, err = h.AddEntry(ctx, w, cmd.AddEntry{Target: six, Entry: shiftOn(mon, "05:00", "07:00")})
	if !errors.As(err, &de) || de.Code != "entries_overlap_adjacent_week" {
		t.Fatalf("a shift into the offered run-on: err = %v, want entries_overlap_adjacent_week", err)
	}
	_, _, err = h.AddEntry(ctx, w, cmd.AddEntry{Target: six, Entry: shiftOn(mon, "07:00", "15:00")})
	mustDo(t, err)
	if until, m, _ := sundayEnd(t, store); until != "Mon 06:00" || m != 480 || sheetOf(t, store, five).Version() != v5 {
		t.Errorf("offered week 5 changed: until %s, %d minutes", until, m)
	}
}

// TestRunOnFollowUpBindsTheApproval: an approver who saw week 5 offered
// with the Sunday shift ending at its end time holds that hash; the offer
// withdrawn, week 6's Monday shift entered (week 5 follows) and week 5
// offered again, that approval is refused as stale (content_changed), and
// the approval of what is offered now books the run-on.
func TestRunOnFollowUpBindsTheApproval(t *testing.T) {
	store := pgStore(t)
	h := followEnv(t, store)
	ctx := context.Background()
	w := meta(worker1)
	_, _, err := h.AddEntry(ctx, w, cmd.AddEntry{Target: five, Entry: sundayIn})
	mustDo(t, err)
	_, err = h.Offer(ctx, w, cmd.Offer{Target: five})
	mustDo(t, err)
	seen := sheetOf(t, store, five).OfferedHash()
	_, err = h.WithdrawOffer(ctx, w, cmd.WithdrawOffer{Target: five})
	mustDo(t, err)
	_, _, err = h.AddEntry(ctx, w, cmd.AddEntry{Target: six, Entry: shiftOn(w06.Start(), "07:00", "15:00")})
	mustDo(t, err)
	_, err = h.Offer(ctx, w, cmd.Offer{Target: five})
	mustDo(t, err)
	_, err = h.Approve(ctx, meta(client2), cmd.Approve{Target: five, Hash: seen})
	if !errors.Is(err, &domain.Error{Code: "content_changed"}) || httpx.Status(err) != http.StatusConflict {
		t.Fatalf("approval with the hash seen before: err = %v, want 409 content_changed", err)
	}
	_, err = h.Approve(ctx, meta(client2), cmd.Approve{Target: five, Hash: sheetOf(t, store, five).OfferedHash()})
	mustDo(t, err)
	if s := sheetOf(t, store, five); s.Status() != ts.StatusApproved || s.DayTotals()[6] != 540 {
		t.Errorf("approved %s with Sunday %d, want 540", s.Status(), s.DayTotals()[6])
	}
}

// dyingStore fails the appends that fail says to (by their number, from
// 1), as a process killed before it makes them never does.
type dyingStore struct {
	eventstore.Store
	n    atomic.Int32
	fail func(n int32) bool
}

var errKilled = errors.New("killed")

func (s *dyingStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if s.fail(s.n.Add(1)) {
		return eventstore.AppendResult{}, errKilled
	}
	return s.Store.Append(ctx, stream, expected, events...)
}

func (s *dyingStore) AppendIf(ctx context.Context, stream string, expected eventstore.ExpectedRevision, conds []eventstore.Condition, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if s.fail(s.n.Add(1)) {
		return eventstore.AppendResult{}, errKilled
	}
	return s.Store.AppendIf(ctx, stream, expected, conds, events...)
}

// TestRunOnFollowUpSurvivesAKill: the command on week 6 dies after week
// 5's follow-up was appended and before its own event (and before it can
// put week 5 back). Week 5 is then ahead of week 6. After the restart a
// retry under the same Idempotency-Key adds week 6's shift without a
// second follow-up; without a retry, week 5's offer records the end week
// 6 really gives before it offers. A command whose own append fails while
// the process lives puts week 5 back at once.
func TestRunOnFollowUpSurvivesAKill(t *testing.T) {
	keyed := commands.Meta{Actor: worker1, IdempotencyKey: "k-1", Command: "POST /time-entries"}
	monday := cmd.AddEntry{Target: six, Entry: shiftOn(w06.Start(), "07:00", "15:00")}
	// run: week 5's Sunday shift, then the Monday shift of week 6 by a
	// process whose appends fail as fail says.
	run := func(t *testing.T, fail func(n int32) bool) (eventstore.Store, *cmd.Handler) {
		store := pgStore(t)
		h := followEnv(t, store)
		_, _, err := h.AddEntry(context.Background(), meta(worker1), cmd.AddEntry{Target: five, Entry: sundayIn})
		mustDo(t, err)
		d, err := cmd.New(&dyingStore{Store: store, fail: fail}, func() time.Time { return friday })
		mustDo(t, err)
		if _, _, err := d.AddEntry(context.Background(), keyed, monday); !errors.Is(err, errKilled) {
			t.Fatalf("the dying command: err = %v", err)
		}
		return store, h
	}
	killedAfterFirst := func(n int32) bool { return n > 1 }

	t.Run("retried after the restart", func(t *testing.T) {
		store, h := run(t, killedAfterFirst)
		if until, _, _ := sundayEnd(t, store); until != "Mon 07:00" || sheetOf(t, store, six).Version() != 0 {
			t.Fatalf("after the kill: week 5 until %s, week 6 version %d; want the follow-up alone", until, sheetOf(t, store, six).Version())
		}
		v5 := sheetOf(t, store, five).Version()
		retry := keyed
		retry.Retry = true
		_, id, err := h.AddEntry(context.Background(), retry, monday)
		mustDo(t, err)
		if id != 1 || len(sheetOf(t, store, six).Worked()) != 1 || sheetOf(t, store, five).Version() != v5 {
			t.Fatalf("retry: entry %d, week 6 %+v, week 5 version %d -> %d", id, sheetOf(t, store, six).Worked(), v5, sheetOf(t, store, five).Version())
		}
		if until, m, _ := sundayEnd(t, store); until != "Mon 07:00" || m != 540 {
			t.Errorf("week 5 until %s, %d minutes", until, m)
		}
	})

	t.Run("offered without a retry", func(t *testing.T) {
		store, h := run(t, killedAfterFirst)
		_, err := h.Offer(context.Background(), meta(worker1), cmd.Offer{Target: five})
		mustDo(t, err)
		s := sheetOf(t, store, five)
		if until, m, _ := sundayEnd(t, store); until != "Mon 06:00" || m != 480 || s.Status() != ts.StatusOffered {
			t.Errorf("offered week 5: %s until %s, %d minutes; want its own end (week 6 has no shift)", s.Status(), until, m)
		}
	})

	t.Run("own append failed, process alive", func(t *testing.T) {
		store, _ := run(t, func(n int32) bool { return n == 2 })
		if until, m, _ := sundayEnd(t, store); until != "Mon 06:00" || m != 480 || sheetOf(t, store, six).Version() != 0 {
			t.Errorf("week 5 until %s, %d minutes; want put back at its own end", until, m)
		}
	})
}

// raceStore runs race once, just before the first append through it: a
// command that appends there has decided on the state before race.
type raceStore struct {
	eventstore.Store
	once sync.Once
	race func()
}

func (s *raceStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	s.once.Do(s.race)
	return s.Store.Append(ctx, stream, expected, events...)
}

func (s *raceStore) AppendIf(ctx context.Context, stream string, expected eventstore.ExpectedRevision, conds []eventstore.Condition, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	s.once.Do(s.race)
	return s.Store.AppendIf(ctx, stream, expected, conds, events...)
}

// TestRunOnFollowUpOfARacingChange: two changes of week 6's first shift
// decided on the same state. The one that appends first wins; the other
// gets the 409 of a concurrent change, as without a follow-up, and is not
// decided again on the winner's state: week 5 follows the winner alone.
func TestRunOnFollowUpOfARacingChange(t *testing.T) {
	store := pgStore(t)
	h := followEnv(t, store)
	ctx := context.Background()
	mon := w06.Start()
	_, _, err := h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: five, Entry: sundayIn})
	mustDo(t, err)
	_, _, err = h.AddEntry(ctx, meta(worker1), cmd.AddEntry{Target: six, Entry: shiftOn(mon, "07:00", "15:00")})
	mustDo(t, err)
	v5 := sheetOf(t, store, five).Version()

	rs := &raceStore{Store: store}
	rs.race = func() {
		_, err := h.ChangeEntry(ctx, meta(worker1), cmd.ChangeEntry{Target: six, EntryID: 1, Entry: shiftOn(mon, "06:30", "15:00")})
		mustDo(t, err)
	}
	slow, err := cmd.New(rs, func() time.Time { return friday })
	mustDo(t, err)
	_, err = slow.ChangeEntry(ctx, meta(worker1), cmd.ChangeEntry{Target: six, EntryID: 1, Entry: shiftOn(mon, "07:30", "15:00")})
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) || httpx.Status(err) != http.StatusConflict {
		t.Fatalf("the later append: err = %v, want 409", err)
	}
	if until, m, _ := sundayEnd(t, store); until != "Mon 06:30" || m != 510 || sheetOf(t, store, five).Version() != v5+1 {
		t.Errorf("week 5 until %s, %d minutes, %d follow-ups; want the winner's 06:30 once", until, m, sheetOf(t, store, five).Version()-v5)
	}
	if w := sheetOf(t, store, six).Worked(); w[0].Start.In(ts.Location()).Format("15:04") != "06:30" {
		t.Errorf("week 6 starts %v", w[0].Start)
	}
}
