package reminders_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/internal/notifytest"
	"backoffice/internal/pgtest"
	"backoffice/notify/reactors"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
	"backoffice/readmodel/missingweeks"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// gate holds a projector at its first timesheet event while hold is set,
// until release closes.
type gate struct {
	projections.Projector
	hold    atomic.Bool
	release chan struct{}
}

func (g *gate) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if g.hold.Load() && strings.HasPrefix(e.Type, "timesheet.") {
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.Projector.Handle(ctx, tx, e)
}

// seedReadModels reads through rt; the data set keeps the recipients'
// names with RecipientNames (the half of the activation mailer that mails
// nobody), so that one is waited for instead.
type seedReadModels struct{ rt *projections.Runtime }

func (s seedReadModels) ReadCaughtUp(ctx context.Context, names []string, read func(pgx.Tx) error) error {
	names = slices.Clone(names)
	for i, n := range names {
		if n == reactors.ActivationMailerName {
			names[i] = reactors.RecipientNamesName
		}
	}
	return s.rt.ReadCaughtUp(ctx, names, read)
}

// TestRemindersWaitForARebuild: Monday's reminders fall due while the
// missing-weeks read model is being rebuilt, its placements back but not
// yet the timesheets that were offered. Read then, Emma (whose week is
// offered) would be told to enter her hours, and every reminder would be
// recorded as sent. The run is put off instead; once the rebuild is done
// the next tick sends Monday's reminders, and only those.
func TestRemindersWaitForARebuild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newEnv(t, notifytest.MondayW10.Add(9*time.Hour+30*time.Minute))
	pool := pgtest.Pool(t, e.cs)
	store := pgtest.EventStore(t, pool)
	g := &gate{Projector: missingweeks.New(), release: make(chan struct{})}
	ps := append(rmidentity.Projectors(), rmtimesheets.Projectors()...)
	ps = append(ps, g, reactors.RecipientNames{})
	// The rebuild in pages (a large log's): a short log's rebuild in one
	// transaction shows readers the old read model until it commits.
	rt, err := projections.New(projections.Config{Store: store, Pool: pool, Projectors: ps, OneTransactionBelow: 1,
		CatchUpBatchSize: 10, WaitTimeout: 2 * time.Second, LockRetry: 50 * time.Millisecond, RetryMin: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- rt.Run(rctx) }()
	defer func() { stop(); <-done }()
	head, err := store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	r := e.process(t)
	r.runner.ReadFrom(seedReadModels{rt})

	g.hold.Store(true)
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- rt.Rebuild(ctx, missingweeks.Name, nil) }()
	for {
		var placements, sheets int
		if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM mw_placements), (SELECT count(*) FROM mw_sheets)`).Scan(&placements, &sheets); err != nil {
			t.Fatal(err)
		}
		if placements > 0 && sheets == 0 {
			break // the placements are back, the timesheets not yet
		}
		select {
		case <-ctx.Done():
			t.Fatal("the rebuild never wrote the placements")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := r.step(ctx); err != nil {
		t.Fatal(err)
	}
	if msgs := e.srv.Messages(); len(msgs) != 0 {
		for _, m := range msgs {
			t.Logf("to %v: %q", m.Rcpt, m.Subject)
		}
		t.Errorf("%d reminders sent from a read model being rebuilt, want none yet", len(msgs))
	}

	close(g.release)
	if err := <-rebuilt; err != nil {
		t.Fatal(err)
	}
	if err := r.step(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range e.srv.Messages() {
		got = append(got, m.To[0]+": "+m.Subject)
	}
	var want []string
	for _, w := range wantWeek {
		if w.at == "Mon 09:00" {
			want = append(want, w.to+": "+w.subject)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("reminders after the rebuild:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
