package notifytest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/internal/notifytest"
	"backoffice/internal/pgtest"
	"backoffice/notify/audience"
	"backoffice/notify/reactors"
	rmtimesheets "backoffice/readmodel/timesheets"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// bo is the back office, who reads every timesheet.
var bo = domain.Actor{AccountID: "acc-bo", Role: domain.RoleBackoffice}

// timesheetQueries reads the seeded timesheets on the seed's clock.
func timesheetQueries(t *testing.T, pool *pgxpool.Pool) *rmtimesheets.Queries {
	t.Helper()
	q, err := rmtimesheets.NewQueries(pool, func() time.Time { return notifytest.MondayW10 })
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestSeedIsTheDataSet: the read models the projectors built from the
// seed's events hold the data set as documented (timesheets, logins,
// names, settings), and the seed queued no mail.
func TestSeedIsTheDataSet(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, notifytest.NewDB(t))

	q := timesheetQueries(t, pool)
	for _, want := range notifytest.Timesheets {
		w, err := timesheet.ParseISOWeek(want.Week)
		if err != nil {
			t.Fatal(err)
		}
		d, err := q.Detail(ctx, bo, want.Placement, w)
		if err != nil {
			t.Fatalf("%s %s: %v", want.Placement, want.Week, err)
		}
		got := fmt.Sprint(d.Status, d.NextParty, d.EnteredBy, d.WorkerID, d.ClientID, d.IntermediaryID, d.TotalMinutes)
		if exp := fmt.Sprint(want.Status, want.Next, want.EnteredBy, want.Worker, want.Client, want.Intermediary, 2400); got != exp {
			t.Errorf("%s %s: %s, want %s", want.Placement, want.Week, got, exp)
		}
	}
	if d, err := q.Detail(ctx, bo, "p3", timesheet.ISOWeek{Year: 2026, Week: 9}); err != nil || d.Status != "none" {
		t.Errorf("p3 2026-W09: %q (%v), want none", d.Status, err)
	}

	// Who may be mailed, with the name to greet and the settings.
	for _, c := range []struct {
		role    domain.Role
		tenants audience.Tenants
		want    []string
	}{
		{domain.RoleWorker, audience.Tenants{WorkerID: "w1"}, []string{"acc-w1 piet@w.example nl Piet Jansen true true"}},
		{domain.RoleWorker, audience.Tenants{WorkerID: "w3"}, nil}, // disabled
		{domain.RoleWorker, audience.Tenants{WorkerID: "w4"}, nil}, // no login
		{domain.RoleClient, audience.Tenants{ClientID: "c2"}, []string{"acc-c2 chris@c2.example en Chris true true",
			"acc-c2b boss@c2.example nl  false false"}},
		{domain.RoleIntermediary, audience.Tenants{IntermediaryID: "i1"}, []string{"acc-i1 ingrid@i1.example nl Ingrid true true"}},
		{domain.RoleIntermediary, audience.Tenants{IntermediaryID: "i2"}, []string{"acc-i2 ian@i2.example en  true true"}},
		{domain.RoleBackoffice, audience.Tenants{}, []string{"acc-bo bo@bureau.example nl  true true"}},
	} {
		rs, err := reactors.Audience(ctx, pool, c.role, c.tenants)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, fmt.Sprintf("%s %s %s %s %v %v", r.AccountID, r.Email, r.Language, r.Name, r.ApprovedMail, r.Reminders))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s of %+v: %q, want %q", c.role, c.tenants, got, c.want)
		}
	}

	var mails int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries`).Scan(&mails); err != nil || mails != 0 {
		t.Errorf("the seed queued %d mails (%v), want none", mails, err)
	}
}

// TestPeopleDBHasNoTimesheets: the people without a timesheet event.
func TestPeopleDBHasNoTimesheets(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, notifytest.NewPeopleDB(t))
	q := timesheetQueries(t, pool)
	if d, err := q.Detail(ctx, bo, "p1", timesheet.ISOWeek{Year: 2026, Week: 8}); err != nil || d.Status != "none" {
		t.Errorf("p1 2026-W08: %q (%v), want none", d.Status, err)
	}
	rs, err := reactors.Audience(ctx, pool, domain.RoleClient, audience.Tenants{ClientID: "c1"})
	if err != nil || len(rs) != 1 || rs[0].AccountID != "acc-c1" || rs[0].Name != "Carla" {
		t.Errorf("c1's users: %+v (%v)", rs, err)
	}
}
