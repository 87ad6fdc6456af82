package missing_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	"backoffice/notify/missing"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
	"backoffice/readmodel/missingweeks"
	rmtimesheets "backoffice/readmodel/timesheets"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// history generates a random but realistic event log: placements starting
// and ending mid-week (some long before the window, some in the future),
// timesheets opened by the worker or the client (now and then by someone
// else), offered, rejected, offered again, withdrawn, approved, imported
// and reopened for a correction; now and then a timesheet outside its
// placement's period.
type history struct {
	r          *rand.Rand
	placements []*hPlacement
	sheets     map[string]*hSheet
	n          int
}

type hPlacement struct {
	id, worker, client, inter string
	start                     ts.Date
	end                       *ts.Date
	rev                       uint64
}

type hSheet struct {
	stream    string
	rev       uint64
	status    ts.Status
	round     int
	enteredBy domain.Role
}

func rec(t testing.TB, stream string, revision uint64, e domain.Event, at time.Time) eventstore.RecordedEvent {
	t.Helper()
	b, err := domain.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	return eventstore.RecordedEvent{ID: uuid.New(), Stream: stream, Revision: revision, Type: e.EventType(), Data: b,
		Metadata: eventstore.Metadata{ActorRole: "backoffice", ActorID: "acc-bo", OccurredAt: at}, Created: at}
}

// moment returns the events of the days before now.
func (h *history) moment(t testing.TB, now time.Time) []eventstore.RecordedEvent {
	r := h.r
	today := ts.DateOf(now.In(ts.Location()))
	var out []eventstore.RecordedEvent
	for range 1 + r.IntN(4) { // new placements
		h.n++
		c := 1 + r.IntN(6)
		p := &hPlacement{id: fmt.Sprintf("p%d", h.n), worker: fmt.Sprintf("w%d", h.n), client: fmt.Sprintf("c%d", c),
			inter: fmt.Sprintf("i%d", c%3+1), start: today.AddDays(-r.IntN(250) + 14)}
		if r.IntN(3) == 0 {
			e := p.start.AddDays(r.IntN(120))
			p.end = &e
		}
		var end *time.Time
		if p.end != nil {
			e := p.end.At(0, 0, time.UTC)
			end = &e
		}
		out = append(out, rec(t, placement.Stream(p.id), 0, &placement.Started{PlacementID: p.id, WorkerID: p.worker,
			ClientID: p.client, IntermediaryID: p.inter, Function: "bakker", Start: p.start.At(0, 0, time.UTC), End: end}, now))
		h.placements = append(h.placements, p)
	}
	for _, p := range h.placements { // some end
		if p.end == nil && r.IntN(15) == 0 {
			e := today.AddDays(r.IntN(40) - 20)
			if e.Before(p.start) {
				e = p.start
			}
			p.end = &e
			p.rev++
			out = append(out, rec(t, placement.Stream(p.id), p.rev, &placement.Ended{PlacementID: p.id, End: e.At(0, 0, time.UTC), Reason: "einde"}, now))
		}
	}
	cur := ts.WeekOf(today)
	for range 40 { // timesheet work on the recent weeks
		p := h.placements[r.IntN(len(h.placements))]
		w := ts.WeekOf(today.AddDays(-7 * r.IntN(7)))
		if r.IntN(12) != 0 { // mostly inside the placement's period
			if w.End().Before(p.start) || (p.end != nil && p.end.Before(w.Start())) {
				continue
			}
		}
		if w.Start().After(cur.Start()) {
			continue
		}
		stream := ts.StreamName(p.id, w)
		s := h.sheets[stream]
		hash := fmt.Sprintf("h%d", r.IntN(1000))
		chain := []domain.Role{domain.RoleClient, domain.RoleIntermediary}
		switch {
		case s == nil:
			by := []domain.Role{domain.RoleWorker, domain.RoleClient}[r.IntN(2)]
			if r.IntN(10) == 0 {
				by = []domain.Role{domain.RoleIntermediary, domain.RoleBackoffice, ""}[r.IntN(3)]
			}
			s = &hSheet{stream: stream, status: ts.StatusOpen, enteredBy: by}
			h.sheets[stream] = s
			out = append(out, rec(t, stream, 0, &ts.Opened{PlacementID: p.id, Week: w, WeekStart: w.Start(), WeekEnd: w.End(),
				EnteredBy: by, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w),
				ClientID: p.client, IntermediaryID: p.inter, WorkerID: p.worker}, now))
			continue
		case s.status == ts.StatusOpen, s.status == ts.StatusRejected:
			s.round++
			s.status = ts.StatusOffered
			s.rev++
			out = append(out, rec(t, stream, s.rev, &ts.Offered{Round: s.round, Hash: hash, Chain: chain, Next: chain[0], Deadline: ts.EntryDeadline(w)}, now))
		case s.status == ts.StatusOffered:
			s.rev++
			switch r.IntN(3) {
			case 0:
				s.status = ts.StatusRejected
				out = append(out, rec(t, stream, s.rev, &ts.Rejected{Round: s.round, Party: domain.RoleClient, By: domain.RoleClient,
					Reason: "nee", ReturnedTo: s.enteredBy, Hash: hash}, now))
			case 1:
				s.status = ts.StatusOpen
				out = append(out, rec(t, stream, s.rev, &ts.OfferWithdrawn{Round: s.round, By: s.enteredBy, Hash: hash}, now))
			default:
				out = append(out, rec(t, stream, s.rev, &ts.StepApproved{Round: s.round, Party: domain.RoleClient, By: domain.RoleClient, Hash: hash}, now))
				s.rev++
				s.status = ts.StatusApproved
				out = append(out, rec(t, stream, s.rev, &ts.Approved{Round: s.round, Hash: hash, Deadline: ts.ApprovalDeadline(w)}, now))
			}
		case s.status == ts.StatusApproved:
			s.status = ts.StatusImported
			s.rev++
			out = append(out, rec(t, stream, s.rev, &ts.Imported{Hash: hash, ImportBatch: "b1"}, now))
		case s.status == ts.StatusImported:
			s.status = ts.StatusRejected
			s.rev++
			out = append(out, rec(t, stream, s.rev, &ts.Reopened{Round: s.round, Reason: "correctie", By: domain.RoleBackoffice,
				ReturnedTo: s.enteredBy, ImportBatch: "b1", Hash: hash}, now))
		}
		if r.IntN(4) == 0 { // a remark: an event the read model does not need
			s.rev++
			out = append(out, rec(t, stream, s.rev, &ts.RemarkAdded{Remark: ts.Remark{Text: "let op"}}, now))
		}
	}
	return out
}

// project applies events to p in one transaction, as the runtime does.
func project(t testing.TB, pool *pgxpool.Pool, p projections.Projector, events []eventstore.RecordedEvent) {
	t.Helper()
	ctx := context.Background()
	var handled []eventstore.RecordedEvent
	for _, e := range events {
		if p.Handles(e.Type) {
			handled = append(handled, e)
		}
	}
	if len(handled) == 0 {
		return
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if bp, ok := p.(projections.BatchProjector); ok {
			return bp.HandleBatch(ctx, tx, handled)
		}
		for _, e := range handled {
			if err := p.Handle(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", p.Name(), err)
	}
}

func projector(t testing.TB, ps []projections.Projector, name string) projections.Projector {
	for _, p := range ps {
		if p.Name() == name {
			return p
		}
	}
	t.Fatalf("no projector %s", name)
	return nil
}

// dump is a table's rows as text, ordered, for comparing two states.
func dump(t testing.TB, pool *pgxpool.Pool, table, order string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT t::text FROM `+table+` t ORDER BY `+order)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadModelEqualsScan: over a random history, at many clock moments
// (Monday morning, Tuesday after the entry deadline, Sunday night before a
// week ends; with and without a roll-over since the last moment, and with
// weeks passing without any event), the overview answered from the read
// model is exactly the scan of placements × timesheets (today's query,
// QueryScan), rows and counts, for every scope, week set and client
// filter. Projected in random batches, with batches applied twice
// (idempotency); at the end a rebuild from the log gives the same tables.
func TestReadModelEqualsScan(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "apitest", apitest.Migrate))
	mw := missingweeks.New()
	projectors := []projections.Projector{projector(t, rmidentity.Projectors(), rmidentity.PlacementsProjector), rmtimesheets.NewTimesheets(), mw}
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			if _, err := pool.Exec(ctx, `TRUNCATE placements, ts_timesheets, ts_status_counts, mw_placements, mw_sheets, missing_weeks;
				UPDATE missing_window SET first_week = NULL, last_week = NULL`); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(seed, 17))
			h := &history{r: r, sheets: map[string]*hSheet{}}
			var log []eventstore.RecordedEvent
			viaReadModel, nonEmpty := 0, 0
			// Monday 2026-01-05 08:00 Amsterdam, then moments through 16 weeks.
			now := time.Date(2026, 1, 5, 8, 0, 0, 0, ts.Location())
			offsets := []time.Duration{0, 28 * time.Hour, 6*24*time.Hour + 15*time.Hour + 30*time.Minute} // Mon 08:00, Tue 12:00, Sun 23:30
			for week := range 16 {
				for i, off := range offsets {
					at := now.AddDate(0, 0, 7*week).Add(off)
					quiet := week%5 == 4 && i > 0 // no events, no roll-over: time passes
					if !quiet {
						events := h.moment(t, at)
						log = append(log, events...)
						for len(events) > 0 {
							n := min(len(events), 1+r.IntN(25))
							for _, p := range projectors {
								project(t, pool, p, events[:n])
							}
							if r.IntN(5) == 0 { // at least once: the same batch again
								project(t, pool, mw, events[:n])
							}
							events = events[n:]
						}
						if r.IntN(4) != 0 {
							if _, err := missingweeks.Advance(ctx, pool, at); err != nil {
								t.Fatal(err)
							}
						}
					}
					win, err := missingweeks.ReadWindow(ctx, pool)
					if err != nil {
						t.Fatal(err)
					}
					cur := ts.WeekOf(ts.DateOf(at.In(ts.Location())))
					weekSets := [][]ts.ISOWeek{missing.PastWeeks(at, 1), missing.PastWeeks(at, 8), missing.PastWeeks(at, missing.MaxWeeks),
						{cur}, {cur.Next()}, {cur.Prev(), cur.Prev()}}
					scopes := []account.Scope{{Kind: account.ScopeAll}, {Kind: account.ScopeNone}}
					for k := 1; k <= 3; k++ {
						scopes = append(scopes, account.Scope{Kind: account.ScopeIntermediary, ID: fmt.Sprintf("i%d", k)})
					}
					for k := 1; k <= 6; k++ {
						scopes = append(scopes, account.Scope{Kind: account.ScopeClient, ID: fmt.Sprintf("c%d", k)})
					}
					scopes = append(scopes, account.Scope{Kind: account.ScopeWorker, ID: "w3"})
					for _, weeks := range weekSets {
						for _, sc := range scopes {
							if sc.Kind != account.ScopeAll && r.IntN(2) == 0 {
								continue // the narrower scopes on a sample: the suite's time
							}
							for _, client := range []string{"", "c2"} {
								if client != "" && r.IntN(4) != 0 {
									continue // the client filter on a sample
								}
								f := missing.Filter{Scope: sc, Weeks: weeks, ClientID: client}
								want, err := missing.QueryScan(ctx, pool, f, at)
								if err != nil {
									t.Fatal(err)
								}
								got, err := missing.Query(ctx, pool, f, at)
								if err != nil {
									t.Fatal(err)
								}
								if !reflect.DeepEqual(got, want) {
									t.Fatalf("%s, weeks %v, scope %+v, client %q (window %+v): read model %d rows, scan %d rows\nread model: %+v\nscan: %+v",
										at, weeks, sc, client, win, len(got), len(want), got, want)
								}
								tot, err := missing.Count(ctx, pool, f)
								if err != nil {
									t.Fatal(err)
								}
								if tot.Missing != len(want) {
									t.Fatalf("%s, weeks %v, scope %+v: Count %d, scan %d rows", at, weeks, sc, tot.Missing, len(want))
								}
								if win.Covers(weeks) {
									viaReadModel++
									if len(want) > 0 {
										nonEmpty++
									}
								}
							}
						}
					}
				}
			}
			// The comparison must have gone through the read model, on rows.
			if viaReadModel < 300 || nonEmpty < 100 {
				t.Fatalf("only %d comparisons through the read model, %d with rows", viaReadModel, nonEmpty)
			}
			// A rebuild from the log (in other batches) gives the same tables.
			before := [3][]string{dump(t, pool, "missing_weeks", "week_start, placement_id"),
				dump(t, pool, "mw_placements", "placement_id"), dump(t, pool, "mw_sheets", "stream")}
			if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return mw.Reset(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			if n := len(dump(t, pool, "missing_weeks", "week_start")); n != 0 {
				t.Fatalf("after Reset: %d rows", n)
			}
			for len(log) > 0 {
				n := min(len(log), 1+r.IntN(400))
				project(t, pool, mw, log[:n])
				log = log[n:]
			}
			after := [3][]string{dump(t, pool, "missing_weeks", "week_start, placement_id"),
				dump(t, pool, "mw_placements", "placement_id"), dump(t, pool, "mw_sheets", "stream")}
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("rebuild differs: %d/%d/%d rows before, %d/%d/%d after", len(before[0]), len(before[1]), len(before[2]),
					len(after[0]), len(after[1]), len(after[2]))
			}
			t.Logf("%d comparisons through the read model (%d with rows), %d rows in missing_weeks", viaReadModel, nonEmpty, len(after[0]))
		})
	}
}

// TestRollOverConcurrentWithProjector: roll-overs (two at a time, the
// clock moving a week each round) running while the projector applies the
// log leave exactly the rows a rebuild gives: the window row serialises
// them, so no batch is derived against a window the roll-over then skips.
func TestRollOverConcurrentWithProjector(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "apitest", apitest.Migrate))
	mw := missingweeks.New()
	r := rand.New(rand.NewPCG(7, 7))
	h := &history{r: r, sheets: map[string]*hSheet{}}
	start := time.Date(2026, 1, 5, 8, 0, 0, 0, ts.Location())
	var log []eventstore.RecordedEvent
	for week := range 12 {
		log = append(log, h.moment(t, start.AddDate(0, 0, 7*week))...)
	}
	if _, err := missingweeks.Advance(ctx, pool, start); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for rest := log; len(rest) > 0; {
			n := min(len(rest), 1+r.IntN(30))
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return mw.HandleBatch(ctx, tx, rest[:n]) })
			if err != nil {
				done <- err
				return
			}
			rest = rest[n:]
		}
		done <- nil
	}()
	rolled := 0
	for week := 1; ; week++ {
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := missingweeks.Advance(ctx, pool, start.AddDate(0, 0, 7*week))
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		rolled++
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if rolled < 3 {
				t.Logf("the projector finished after %d roll-overs", rolled)
			}
			before := dump(t, pool, "missing_weeks", "week_start, placement_id")
			if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return mw.Reset(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			project(t, pool, mw, log)
			after := dump(t, pool, "missing_weeks", "week_start, placement_id")
			if len(before) == 0 || !reflect.DeepEqual(before, after) {
				t.Fatalf("concurrent roll-overs left %d rows, a rebuild gives %d", len(before), len(after))
			}
			return
		default:
		}
	}
}
