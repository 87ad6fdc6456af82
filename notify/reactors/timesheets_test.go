package reactors_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/internal/notifytest"
	"backoffice/internal/pgtest"
	"backoffice/internal/testrun"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	pool  *pgxpool.Pool
	store eventstore.Store
	rt    *projections.Runtime
	disp  *mail.Dispatcher
	srv   *mailtest.Server
}

func setup(t *testing.T, ctx context.Context, now func() time.Time) *fixture {
	t.Helper()
	return setupWith(t, ctx, now, nil)
}

// setupWith runs the mailer with the read models it depends on (accounts,
// placements and the recipients' names; the workers read model is left
// out: the mailer reads a missing worker's name from the log), the
// accounts projector passed through wrap when given.
func setupWith(t *testing.T, ctx context.Context, now func() time.Time, wrap func(projections.Projector) projections.Projector) *fixture {
	t.Helper()
	pool := pgtest.Pool(t, notifytest.NewPeopleDB(t))
	store := pgtest.EventStore(t, pool)
	srv := mailtest.New(t)
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: "Backoffice <noreply@backoffice.test>"})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: sender})
	if err != nil {
		t.Fatal(err)
	}
	// The data set keeps the names with RecipientNames, the half of the
	// activation mailer that mails nobody.
	mailer, err := reactors.NewTimesheetMailer(reactors.TimesheetMailerConfig{Store: store, Mail: disp,
		Links: audience.NewLinks("https://portal.test"), Now: now,
		DependsOn: []string{rmidentity.AccountsProjector, rmidentity.PlacementsProjector, reactors.RecipientNamesName}})
	if err != nil {
		t.Fatal(err)
	}
	ps := []projections.Projector{reactors.RecipientNames{}, mailer}
	for _, p := range rmidentity.Projectors() {
		switch p.Name() {
		case rmidentity.AccountsProjector:
			if wrap != nil {
				p = wrap(p)
			}
		case rmidentity.PlacementsProjector:
		default:
			continue
		}
		ps = append(ps, p)
	}
	cfg := projections.Config{Store: store, Pool: pool, Projectors: ps,
		LockRetry: 50 * time.Millisecond, RetryMin: 50 * time.Millisecond}
	if wrap != nil {
		// A rebuild held half-way is a rebuild in pages (a large log's): a
		// short log's rebuild in one transaction shows nothing until it
		// commits.
		cfg.OneTransactionBelow = 1
	}
	rt, err := projections.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	testrun.Background(t, ctx, rt.Run)
	return &fixture{pool: pool, store: store, rt: rt, disp: disp, srv: srv}
}

// append writes events to a stream as the commands would and waits until
// the mailer has passed them, then delivers what is due.
func (f *fixture) append(t *testing.T, ctx context.Context, stream string, events ...domain.Event) {
	t.Helper()
	var data []eventstore.EventData
	for _, e := range events {
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, eventstore.EventData{ID: uuid.New(), Type: e.EventType(), Data: b,
			Metadata: eventstore.Metadata{ActorID: "acc-test", ActorRole: "client"}})
	}
	res, err := f.store.Append(ctx, stream, eventstore.Any(), data...)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.rt.WaitFor(ctx, res.Position, reactors.TimesheetMailerName); err != nil {
		t.Fatal(err)
	}
	if _, err := f.disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
}

func opened(placement, worker, client, inter string, w timesheet.ISOWeek, enteredBy domain.Role) *timesheet.Opened {
	return &timesheet.Opened{PlacementID: placement, Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: enteredBy,
		EntryDeadline: timesheet.EntryDeadline(w), ApprovalDeadline: timesheet.ApprovalDeadline(w),
		ClientID: client, IntermediaryID: inter, WorkerID: worker}
}

func TestTimesheetMailsFollowTheWorkflow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := setup(t, ctx, time.Now)
	w10 := timesheet.ISOWeek{Year: 2026, Week: 10}
	chain := []domain.Role{domain.RoleClient, domain.RoleIntermediary}

	// c1: the worker enters; the client, then the intermediary approve.
	s1 := timesheet.StreamName("p1", w10)
	f.append(t, ctx, s1, opened("p1", "w1", "c1", "i1", w10, domain.RoleWorker),
		&timesheet.Offered{Round: 1, Hash: "h1", Chain: chain, Next: domain.RoleClient, TotalMinutes: 2400})
	f.append(t, ctx, s1, &timesheet.Rejected{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient,
		Reason: "Dinsdag staat er 2 uur te veel op.", ReturnedTo: domain.RoleWorker, Hash: "h1"})
	f.append(t, ctx, s1, &timesheet.Offered{Round: 2, Hash: "h2", Chain: chain, Next: domain.RoleClient, TotalMinutes: 2280})
	f.append(t, ctx, s1, &timesheet.StepApproved{Round: 2, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h2", Next: domain.RoleIntermediary})
	f.append(t, ctx, s1, &timesheet.StepApproved{Round: 2, Step: 1, Party: domain.RoleIntermediary, By: domain.RoleIntermediary, Hash: "h2"},
		&timesheet.Approved{Round: 2, Hash: "h2", TotalMinutes: 2280, Deadline: timesheet.ApprovalDeadline(w10)})
	// Imported, then reopened by the bureau for a correction.
	f.append(t, ctx, s1, &timesheet.Imported{Hash: "h2", ImportBatch: "2026-10"})
	f.append(t, ctx, s1, &timesheet.Reopened{Round: 2, Reason: "Woensdag ontbreekt de overwerktoeslag.", By: domain.RoleBackoffice,
		ReturnedTo: domain.RoleWorker, ImportBatch: "2026-10", Hash: "h2"})

	// A stream without its timesheet.opened cannot be mailed about: it is
	// skipped, and the mails after it still go out.
	f.append(t, ctx, timesheet.StreamName("p9", w10),
		&timesheet.Offered{Round: 1, Hash: "x", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient})

	// c2: the client enters (English), the intermediary approves; one of
	// the client's users switched the approval mail off.
	s3 := timesheet.StreamName("p3", w10)
	f.append(t, ctx, s3, opened("p3", "w3", "c2", "i2", w10, domain.RoleClient),
		&timesheet.Offered{Round: 1, Hash: "k1", Chain: []domain.Role{domain.RoleIntermediary}, Next: domain.RoleIntermediary})
	f.append(t, ctx, s3, &timesheet.StepApproved{Round: 1, Step: 0, Party: domain.RoleIntermediary, By: domain.RoleIntermediary, Hash: "k1"},
		&timesheet.Approved{Round: 1, Hash: "k1"})

	type got struct{ to, subject string }
	var mails []got
	for _, m := range f.srv.Messages() {
		mails = append(mails, got{m.To[0], m.Subject})
	}
	want := []got{
		{"carla@c1.example", "Er staat een urenbriefje voor u klaar: Piet Jansen, week 10 van 2026"},
		{"piet@w.example", "Urenbriefje afgekeurd: Piet Jansen, week 10 van 2026"},
		{"carla@c1.example", "Er staat een urenbriefje voor u klaar: Piet Jansen, week 10 van 2026"},
		{"ingrid@i1.example", "Er staat een urenbriefje voor u klaar: Piet Jansen, week 10 van 2026"},
		{"piet@w.example", "Urenbriefje geaccordeerd: Piet Jansen, week 10 van 2026"},
		{"piet@w.example", "Urenbriefje heropend voor correctie: Piet Jansen, week 10 van 2026"},
		{"ian@i2.example", "A timesheet is waiting for you: Kees Bos, week 10 of 2026"},
		{"chris@c2.example", "Timesheet approved: Kees Bos, week 10 of 2026"},
	}
	if !slices.Equal(mails, want) {
		t.Fatalf("mails:\n%v\nwant:\n%v", mails, want)
	}
	msgs := f.srv.Messages()
	rejected := msgs[1]
	for _, s := range []string{"Beste Piet Jansen,", "afgekeurd door de opdrachtgever", "Dinsdag staat er 2 uur te veel op.",
		"https://portal.test/plaatsingen/p1/weken/2026-W10"} {
		if !strings.Contains(rejected.Text, s) {
			t.Errorf("rejection mail lacks %q:\n%s", s, rejected.Text)
		}
	}
	if !strings.Contains(rejected.HTML, "Dinsdag staat er 2 uur te veel op.") || !strings.Contains(rejected.HTML, `href="https://portal.test/plaatsingen/p1/weken/2026-W10"`) {
		t.Errorf("rejection HTML lacks the reason or link:\n%s", rejected.HTML)
	}
	if !strings.Contains(msgs[0].Text, "11 maart 2026 om 10:00 uur") {
		t.Errorf("offer mail lacks the approval deadline:\n%s", msgs[0].Text)
	}

	reopened := msgs[5]
	for _, s := range []string{"Beste Piet Jansen,", "heropend voor een correctie", "Woensdag ontbreekt de overwerktoeslag.",
		"https://portal.test/plaatsingen/p1/weken/2026-W10"} {
		if !strings.Contains(reopened.Text, s) {
			t.Errorf("reopening mail lacks %q:\n%s", s, reopened.Text)
		}
	}

	// Each mail names its account, so the dispatcher does not send it
	// once that account is blocked (notify/mail TestDispatcherSkipsABlockedAccount).
	var anonymous int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE coalesce(payload->>'account_id', '') = ''`).Scan(&anonymous); err != nil || anonymous != 0 {
		t.Errorf("mails without their account: %d (%v), want 0", anonymous, err)
	}

	var noOpened int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM notify_event_mails WHERE skipped = 'no_opened'`).Scan(&noOpened); err != nil || noOpened != 1 {
		t.Errorf("events skipped for lack of timesheet.opened: %d (%v), want 1", noOpened, err)
	}

	// A rebuild replays every event: nothing is mailed again.
	if err := f.rt.Rebuild(ctx, reactors.TimesheetMailerName, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Messages()); n != len(want) {
		t.Errorf("after a rebuild %d mails, want still %d", n, len(want))
	}
}

// Events older than MaxAge (a mailer deployed on an old log) are marked
// handled without a mail.
func TestOldEventsAreNotMailed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := setup(t, ctx, func() time.Time { return time.Now().Add(reactors.DefaultMaxAge + time.Hour) })
	w10 := timesheet.ISOWeek{Year: 2026, Week: 10}
	f.append(t, ctx, timesheet.StreamName("p1", w10), opened("p1", "w1", "c1", "i1", w10, domain.RoleWorker),
		&timesheet.Offered{Round: 1, Hash: "h1", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient})
	if n := len(f.srv.Messages()); n != 0 {
		t.Errorf("%d mails about an old event", n)
	}
	var skipped string
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT skipped FROM notify_event_mails WHERE event_type = $1`, timesheet.TypeOffered).Scan(&skipped)
	})
	if err != nil || skipped != "stale" {
		t.Errorf("skipped = %q, %v", skipped, err)
	}
}

// TestMailNamesAWorkerNotYetProjected: the workers read model is another
// projector's and may lag behind the mailer (a first start, a rebuild);
// the mail still names the worker (from the worker's stream), not the
// placement's ID.
func TestMailNamesAWorkerNotYetProjected(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := setup(t, ctx, time.Now)
	w10 := timesheet.ISOWeek{Year: 2026, Week: 10}
	// Registered in the log only: this runtime runs no workers projector.
	f.append(t, ctx, worker.Stream("w-nieuw"), &worker.Registered{WorkerID: "w-nieuw", ClientID: "c1",
		Name: worker.Name{First: "Noor", Infix: "van", Last: "Dam"}, Email: "noor@w.example", Function: "Bakker"})
	f.append(t, ctx, timesheet.StreamName("p-nieuw", w10), opened("p-nieuw", "w-nieuw", "c1", "i1", w10, domain.RoleWorker),
		&timesheet.Offered{Round: 1, Hash: "h1", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient, TotalMinutes: 600})
	msgs := f.srv.Messages()
	if len(msgs) != 1 || msgs[0].Subject != "Er staat een urenbriefje voor u klaar: Noor van Dam, week 10 van 2026" {
		for _, m := range msgs {
			t.Logf("to %v: %q", m.Rcpt, m.Subject)
		}
		t.Fatalf("%d mails; want one to the client naming the worker", len(msgs))
	}
}
