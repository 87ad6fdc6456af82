package reminders_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/notifytest"
	"backoffice/internal/pgtest"
	"backoffice/internal/testclock"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reminders"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// env is one seeded database (notifytest's data), mail server and clock,
// shared by the `serve` processes a test starts on it.
type env struct {
	cs    string
	srv   *mailtest.Server
	clock *testclock.Clock
}

func newEnv(t *testing.T, now time.Time) *env {
	t.Helper()
	return &env{cs: notifytest.NewDB(t), srv: mailtest.New(t), clock: testclock.New(now)}
}

// process starts one `serve` process on e.
func (e *env) process(t *testing.T) *runtime { return newRuntime(t, e.cs, e.srv, e.clock) }

// runtime is what one `serve` process contributes: its own pool, the
// delivery queue and the reminder runner.
type runtime struct {
	pool   *pgxpool.Pool
	disp   *mail.Dispatcher
	runner *reminders.Runner
}

func newRuntime(t *testing.T, cs string, srv *mailtest.Server, c *testclock.Clock) *runtime {
	t.Helper()
	pool := pgtest.Pool(t, cs)
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: "Backoffice <noreply@backoffice.test>"})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: sender, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := reminders.New(reminders.Config{Pool: pool, Mail: disp, Links: audience.NewLinks("https://portal.test/"), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &runtime{pool: pool, disp: disp, runner: runner}
}

// step runs one tick of the schedule and one delivery pass.
func (r *runtime) step(ctx context.Context) error {
	if _, err := r.runner.Tick(ctx); err != nil {
		return err
	}
	_, err := r.disp.DeliverDue(ctx)
	return err
}

type want struct {
	to, subject string
	at          string // fake time the mail was first seen, Amsterdam
	contains    []string
	absent      []string
}

// The week's expected mails over notifytest's data set (they concern 2026-W09).
var wantWeek = []want{
	{"piet@w.example", "Herinnering: uren invullen en aanbieden", "Mon 09:00",
		[]string{"Beste Piet Jansen,", "- Piet Jansen, week 9 van 2026\n  https://portal.test/plaatsingen/p1/weken/2026-W09", "3 maart 2026 om 00:00 uur", "https://portal.test/urenbriefjes"}, []string{"te laat", "Emma"}},
	{"chris@c2.example", "Reminder: please enter and offer your hours", "Mon 09:00",
		[]string{"Dear Chris,", "- Kees Bos, week 9 of 2026\n  https://portal.test/plaatsingen/p3/weken/2026-W09"}, []string{"Ayse"}},
	{"carla@c1.example", "Ontbrekende uren: 1 urenbriefje(s) niet aangeboden", "Tue 09:00",
		[]string{"Beste Carla,", "- Piet Jansen, week 9 van 2026 (te laat)", "https://portal.test/ontbrekende-uren?week=2026-W09"}, []string{"Kees", "Emma"}},
	{"chris@c2.example", "Missing hours: 1 timesheet(s) not offered", "Tue 09:00",
		[]string{"Dear Chris,", "- Kees Bos, week 9 of 2026 (late)"}, []string{"Piet"}},
	{"ingrid@i1.example", "Ontbrekende uren: 1 urenbriefje(s) niet aangeboden", "Tue 09:00",
		[]string{"Beste Ingrid,", "- Piet Jansen, week 9 van 2026 (te laat)"}, []string{"Kees"}},
	{"ian@i2.example", "Missing hours: 1 timesheet(s) not offered", "Tue 09:00",
		[]string{"Dear Sir or Madam,", "- Kees Bos, week 9 of 2026 (late)"}, []string{"Piet"}},
	{"carla@c1.example", "1 urenbriefje(s) wachten op uw goedkeuring", "Wed 08:00",
		[]string{"- Emma Smith, week 9 van 2026\n  https://portal.test/plaatsingen/p2/weken/2026-W09", "4 maart 2026 om 10:00 uur"}, []string{"te laat", "Piet"}},
	{"ingrid@i1.example", "1 urenbriefje(s) wachten op uw goedkeuring", "Wed 08:00",
		[]string{"- Piet Jansen, week 8 van 2026 (te laat)\n  https://portal.test/plaatsingen/p1/weken/2026-W08"}, []string{"Emma"}},
	{"ian@i2.example", "1 timesheet(s) waiting for your approval", "Wed 08:00",
		[]string{"- Ayse Yilmaz, week 9 of 2026", "4 March 2026 at 10:00"}, []string{"late"}},
}

// runWeek moves the clock from Monday 00:00 to Wednesday 12:00 in steps of
// 15 minutes. stepAll runs one step of every live runtime; it may replace
// them (a restart). It returns each mail with the fake time it arrived.
func runWeek(t *testing.T, srv *mailtest.Server, c *testclock.Clock, stepAll func(ctx context.Context, now time.Time)) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	seenAt := map[string]string{}
	end := notifytest.MondayW10.Add(60 * time.Hour)
	for now := notifytest.MondayW10; !now.After(end); now = now.Add(15 * time.Minute) {
		c.Set(now)
		stepAll(ctx, now)
		for _, m := range srv.Messages() {
			key := m.To[0] + "|" + m.Subject
			if _, ok := seenAt[key]; !ok {
				seenAt[key] = now.Format("Mon 15:04")
			}
		}
	}
	return seenAt
}

func assertWeek(t *testing.T, srv *mailtest.Server, seenAt map[string]string) {
	t.Helper()
	msgs := srv.Messages()
	var got, exp []string
	for _, m := range msgs {
		got = append(got, strings.Join(m.To, ",")+"|"+m.Subject)
	}
	for _, w := range wantWeek {
		exp = append(exp, w.to+"|"+w.subject)
	}
	sort.Strings(got)
	sort.Strings(exp)
	if !slices.Equal(got, exp) {
		t.Fatalf("mails of the week (%d):\n%s\nwant (%d):\n%s", len(got), strings.Join(got, "\n"), len(exp), strings.Join(exp, "\n"))
	}
	for _, w := range wantWeek {
		key := w.to + "|" + w.subject
		if seenAt[key] != w.at {
			t.Errorf("%s arrived %s, want %s", key, seenAt[key], w.at)
		}
		i := slices.IndexFunc(msgs, func(m mailtest.Received) bool { return m.To[0] == w.to && m.Subject == w.subject })
		m := msgs[i]
		if m.HTML == "" || !strings.Contains(m.HTML, `href="https://portal.test/`) {
			t.Errorf("%s: no HTML part with portal links", key)
		}
		for _, s := range w.contains {
			if !strings.Contains(m.Text, s) {
				t.Errorf("%s: text lacks %q:\n%s", key, s, m.Text)
			}
		}
		for _, s := range w.absent {
			if strings.Contains(m.Text, s) {
				t.Errorf("%s: text holds %q:\n%s", key, s, m.Text)
			}
		}
	}
}

func TestWeekOfReminders(t *testing.T) {
	t.Run("one runtime", func(t *testing.T) {
		e := newEnv(t, time.Time{})
		rt := e.process(t)
		seen := runWeek(t, e.srv, e.clock, func(ctx context.Context, _ time.Time) {
			if err := rt.step(ctx); err != nil {
				t.Fatal(err)
			}
		})
		assertWeek(t, e.srv, seen)
	})

	t.Run("restart and a crash mid-run", func(t *testing.T) {
		e := newEnv(t, time.Time{})
		rt := e.process(t)
		ctx := context.Background()
		// The Tuesday run dies at its third recipient (acc-i1), once: a
		// sequence survives the rollback, so the retry passes.
		if _, err := rt.pool.Exec(ctx, `
			CREATE SEQUENCE crash_seq;
			CREATE FUNCTION crash_once() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.kind = 'reminder_missing' AND NEW.account_id = 'acc-i1' AND nextval('crash_seq') = 1 THEN
					RAISE EXCEPTION 'simulated crash';
				END IF;
				RETURN NEW;
			END $$;
			CREATE TRIGGER crash_once BEFORE INSERT ON notify_reminders FOR EACH ROW EXECUTE FUNCTION crash_once();`); err != nil {
			t.Fatal(err)
		}
		crashed, restarted := false, false
		restartAt := notifytest.MondayW10.Add(27 * time.Hour) // Tuesday 03:00
		seen := runWeek(t, e.srv, e.clock, func(ctx context.Context, now time.Time) {
			if !restarted && !now.Before(restartAt) {
				rt.pool.Close() // the old process is gone
				rt, restarted = e.process(t), true
			}
			err := rt.step(ctx)
			switch {
			case err != nil && strings.Contains(err.Error(), "simulated crash") && !crashed:
				crashed = true
				before := len(e.srv.Messages())
				rt.pool.Close()
				rt = e.process(t) // and it starts again, at once
				if before != 2 {
					t.Errorf("before the crash %d mails went out, want the 2 of Monday", before)
				}
				if err := rt.step(ctx); err != nil {
					t.Fatal(err)
				}
			case err != nil:
				t.Fatal(err)
			}
		})
		if !crashed || !restarted {
			t.Fatalf("crashed %v, restarted %v: the scenario did not run", crashed, restarted)
		}
		assertWeek(t, e.srv, seen)
	})

	t.Run("two runtimes", func(t *testing.T) {
		e := newEnv(t, time.Time{})
		a, b := e.process(t), e.process(t)
		seen := runWeek(t, e.srv, e.clock, func(ctx context.Context, _ time.Time) {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, rt := range []*runtime{a, b} {
				wg.Go(func() { errs[i] = rt.step(ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
		assertWeek(t, e.srv, seen)
		var rows int
		if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM notify_reminders`).Scan(&rows); err != nil || rows != len(wantWeek) {
			t.Errorf("notify_reminders holds %d rows (%v), want %d", rows, err, len(wantWeek))
		}
	})
}

// The week's reminders are not sent when switched off in the plan, and a
// user's opt-out (notifytest's acc-c2b) holds: tested above by absence;
// here the bureau-wide switch.
func TestSwitchedOffKindSendsNothing(t *testing.T) {
	e := newEnv(t, time.Time{})
	rt := e.process(t)
	plan := reminders.PlanFromDefaults()
	for k, s := range plan {
		s.Enabled = k != "reminder_missing"
		plan[k] = s
	}
	runner, err := reminders.New(reminders.Config{Pool: rt.pool, Mail: rt.disp, Plan: plan, Links: audience.NewLinks("https://portal.test"), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	rt.runner = runner
	runWeek(t, e.srv, e.clock, func(ctx context.Context, _ time.Time) {
		if err := rt.step(ctx); err != nil {
			t.Fatal(err)
		}
	})
	for _, m := range e.srv.Messages() {
		if strings.Contains(m.Subject, "Ontbrekende") || strings.Contains(m.Subject, "Missing") {
			t.Errorf("switched-off reminder sent: %s to %v", m.Subject, m.To)
		}
	}
	if n := len(e.srv.Messages()); n != len(wantWeek)-4 {
		t.Errorf("%d mails, want %d", n, len(wantWeek)-4)
	}
}
