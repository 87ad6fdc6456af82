package reactors_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/notify/reactors"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
)

// gate holds a projector's events while hold is set, until release closes.
type gate struct {
	projections.Projector
	hold    atomic.Bool
	release chan struct{}
}

func (g *gate) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if g.hold.Load() {
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.Projector.Handle(ctx, tx, e)
}

// TestOfferedMailWaitsForAnAccountsRebuild: a timesheet is offered while
// the accounts read model is being rebuilt (emptied, and held before its
// first row comes back). The mailer waits for the rebuild, says so in its
// status, and then mails the client's user, once; a rebuild of the mailer
// afterwards mails nobody again.
func TestOfferedMailWaitsForAnAccountsRebuild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g := &gate{release: make(chan struct{})}
	f := setupWith(t, ctx, time.Now, func(p projections.Projector) projections.Projector { g.Projector = p; return g })
	head, err := f.store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.rt.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}

	g.hold.Store(true)
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- f.rt.Rebuild(ctx, rmidentity.AccountsProjector, nil) }()
	waitUntil(t, ctx, "the accounts emptied by the rebuild", func() bool { return count(t, ctx, f, `SELECT count(*) FROM accounts`) == 0 })

	w := timesheet.ISOWeek{Year: 2026, Week: 20}
	offered := &timesheet.Offered{Round: 1, Hash: "h1", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient, TotalMinutes: 2400}
	var data []eventstore.EventData
	for _, e := range []domain.Event{opened("p1", "w1", "c1", "i1", w, domain.RoleWorker), offered} {
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, eventstore.EventData{ID: uuid.New(), Type: e.EventType(), Data: b,
			Metadata: eventstore.Metadata{ActorID: "acc-w1", ActorRole: "worker"}})
	}
	res, err := f.store.Append(ctx, timesheet.StreamName("p1", w), eventstore.NoStream(), data...)
	if err != nil {
		t.Fatal(err)
	}
	handled := func() bool {
		return count(t, ctx, f, `SELECT count(*) FROM notify_event_mails WHERE event_type = 'timesheet.offered'`) > 0
	}
	// Without the wait the mailer handles the event at once, finds no
	// account and records it mailed to nobody: the checks below fail.
	waitUntil(t, ctx, "the mailer waiting for the accounts (or handling the offer)", func() bool {
		st := mailerStatus(t, ctx, f.rt)
		return st.State == projections.StateWaiting && slices.Equal(st.WaitingFor, []string{rmidentity.AccountsProjector}) || handled()
	})
	if handled() {
		t.Error("the offer was handled while the accounts were being rebuilt")
	}

	close(g.release)
	if err := <-rebuilt; err != nil {
		t.Fatal(err)
	}
	if err := f.rt.WaitFor(ctx, res.Position, reactors.TimesheetMailerName); err != nil {
		t.Fatal(err)
	}
	if _, err := f.disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	want := "Er staat een urenbriefje voor u klaar: Piet Jansen, week 20 van 2026"
	msgs := f.srv.Messages()
	if len(msgs) != 1 || !slices.Equal(msgs[0].Rcpt, []string{"carla@c1.example"}) || msgs[0].Subject != want {
		for _, m := range msgs {
			t.Logf("to %v: %q", m.Rcpt, m.Subject)
		}
		t.Fatalf("%d mails; want one to carla@c1.example: %q", len(msgs), want)
	}
	if st := mailerStatus(t, ctx, f.rt); len(st.WaitingFor) != 0 {
		t.Errorf("the mailer still waits for %v", st.WaitingFor)
	}

	// Exactly once: replaying the event mails nobody again.
	if err := f.rt.Rebuild(ctx, reactors.TimesheetMailerName, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Messages()); n != 1 {
		t.Errorf("%d mails after a rebuild of the mailer, want still 1", n)
	}
}

func mailerStatus(t *testing.T, ctx context.Context, rt *projections.Runtime) projections.ProjectorStatus {
	t.Helper()
	return projectorStatus(t, ctx, rt, reactors.TimesheetMailerName)
}

func projectorStatus(t *testing.T, ctx context.Context, rt *projections.Runtime, name string) projections.ProjectorStatus {
	t.Helper()
	sts, err := rt.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no status of %s", name)
	return projections.ProjectorStatus{}
}

func count(t *testing.T, ctx context.Context, f *fixture, sql string) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitUntil polls cond until it holds or ctx ends (a bound against hangs).
func waitUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("never happened: %s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}
