// Package notifytest holds the realistic data set the tests of notify/ and
// its API share: two intermediaries, two clients with different ways of
// working, workers, placements (active, ended, not yet started) and the
// timesheets of the weeks around 2026-W10, written into the read-model
// tables as their projectors would.
package notifytest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain/timesheet"
	"backoffice/readmodel/missingweeks"
)

// MondayW10 is Monday 2 March 2026 00:00 in Amsterdam: the start of the
// week whose reminders concern 2026-W09.
var MondayW10 = time.Date(2026, 3, 2, 0, 0, 0, 0, timesheet.Location())

// Accounts of the data set, by ID: role, tenant, e-mail, language.
//
//   - c1 (intermediary i1): workers enter; chain [client, intermediary].
//   - c2 (intermediary i2): the client enters; chain [intermediary].
//   - acc-c2b has switched reminders and approval mails off.
//   - acc-w3x is disabled.
const seedSQL = `
INSERT INTO intermediaries (intermediary_id, name, contact_name, contact_email, registered_at) VALUES
 ('i1', 'Uitzend BV', 'Ingrid', 'ingrid@i1.example', now()),
 ('i2', 'Flex Partners', 'Ian', 'ian@i2.example', now());
INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at) VALUES
 ('c1', 'i1', 'Bakkerij De Korenbloem', '12345678', '{}', 'Carla', 'carla@c1.example', now()),
 ('c2', 'i2', 'Metaalwerk Oost', '87654321', '{}', 'Chris', 'chris@c2.example', now());
INSERT INTO client_agreements (client_id, effective_from, agreement) VALUES
 ('c1', '2025-01-01', '{"entered_by":"worker","approval_chain":["client","intermediary"]}'),
 ('c2', '2025-01-01', '{"entered_by":"client","approval_chain":["intermediary"]}');
INSERT INTO workers (worker_id, client_id, first_name, last_name, full_name, email, function, registered_at) VALUES
 ('w1', 'c1', 'Piet', 'Jansen', 'Piet Jansen', 'piet@w.example', 'bakker', now()),
 ('w2', 'c1', 'Emma', 'Smith', 'Emma Smith', 'emma@w.example', 'bakker', now()),
 ('w3', 'c2', 'Kees', 'Bos', 'Kees Bos', 'kees@w.example', 'lasser', now()),
 ('w4', 'c2', 'Ayse', 'Yilmaz', 'Ayse Yilmaz', 'ayse@w.example', 'lasser', now());
INSERT INTO accounts (account_id, email, role, intermediary_id, client_id, worker_id, language, activated, disabled, created_at) VALUES
 ('acc-i1', 'ingrid@i1.example', 'intermediary', 'i1', '', '', 'nl', true, false, now()),
 ('acc-i2', 'ian@i2.example', 'intermediary', 'i2', '', '', 'en', true, false, now()),
 ('acc-c1', 'carla@c1.example', 'client', '', 'c1', '', 'nl', true, false, now()),
 ('acc-c2', 'chris@c2.example', 'client', '', 'c2', '', 'en', true, false, now()),
 ('acc-c2b', 'boss@c2.example', 'client', '', 'c2', '', 'nl', true, false, now()),
 ('acc-w1', 'piet@w.example', 'worker', '', '', 'w1', 'nl', true, false, now()),
 ('acc-w2', 'emma@w.example', 'worker', '', '', 'w2', 'en', true, false, now()),
 ('acc-w3x', 'kees@w.example', 'worker', '', '', 'w3', 'nl', true, true, now()),
 ('acc-bo', 'bo@bureau.example', 'backoffice', '', '', '', 'nl', true, false, now());
INSERT INTO mail_recipient_names (email, name) VALUES
 ('ingrid@i1.example', 'Ingrid'), ('carla@c1.example', 'Carla'), ('piet@w.example', 'Piet'), ('chris@c2.example', 'Chris');
INSERT INTO notify_settings (account_id, approved_mail, reminders, updated_at) VALUES ('acc-c2b', false, false, now());
INSERT INTO ts_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision) VALUES
 ('p1', 'w1', 'c1', 'i1', '2025-06-01', NULL, 1),
 ('p2', 'w2', 'c1', 'i1', '2025-06-01', NULL, 1),
 ('p3', 'w3', 'c2', 'i2', '2025-06-01', NULL, 1),
 ('p4', 'w4', 'c2', 'i2', '2025-06-01', '2026-12-31', 1),
 ('p5', 'w1', 'c1', 'i1', '2025-01-01', '2026-02-15', 1),
 ('p6', 'w2', 'c2', 'i2', '2026-03-09', NULL, 1);
INSERT INTO placements (placement_id, worker_id, client_id, intermediary_id, function, start_date, end_date, ended, started_at)
SELECT placement_id, worker_id, client_id, intermediary_id, 'bakker', start_date, end_date, false, now() FROM ts_placements;
`

// Timesheets of the data set: (placement, week, status, next party).
//
//	p1 2026-W08 offered, waiting for the intermediary (late by Wednesday of W10)
//	p1 2026-W09 open (not offered)
//	p2 2026-W09 offered, waiting for the client
//	p3 2026-W09 none at all
//	p4 2026-W09 offered, waiting for the intermediary
//	p2, p3, p4 2026-W08 approved
var Timesheets = []struct {
	Placement, Worker, Client, Intermediary, Week, Status, Next, EnteredBy string
}{
	{"p1", "w1", "c1", "i1", "2026-W08", "offered", "intermediary", "worker"},
	{"p1", "w1", "c1", "i1", "2026-W09", "open", "", "worker"},
	{"p2", "w2", "c1", "i1", "2026-W09", "offered", "client", "worker"},
	{"p4", "w4", "c2", "i2", "2026-W09", "offered", "intermediary", "client"},
	{"p2", "w2", "c1", "i1", "2026-W08", "approved", "", "worker"},
	{"p3", "w3", "c2", "i2", "2026-W08", "approved", "", "client"},
	{"p4", "w4", "c2", "i2", "2026-W08", "approved", "", "client"},
}

// Seed writes the data set.
func Seed(t testing.TB, ctx context.Context, pool *pgxpool.Pool) {
	t.Helper()
	if _, err := pool.Exec(ctx, seedSQL); err != nil {
		t.Fatalf("notifytest: seed: %v", err)
	}
	for _, ts := range Timesheets {
		w, err := timesheet.ParseISOWeek(ts.Week)
		if err != nil {
			t.Fatal(err)
		}
		var next *string
		if ts.Next != "" {
			next = &ts.Next
		}
		_, err = pool.Exec(ctx, `INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id,
			client_id, intermediary_id, status, next_party, total_minutes, entry_deadline, approval_deadline, offered_late,
			approved_late, revision, updated_at, entered_by)
			VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, 2400, $11, $12, false, false, 3, now(), $13)`,
			timesheet.StreamName(ts.Placement, w), ts.Placement, w.Year, w.Week, w.Start().String(), ts.Worker, ts.Client,
			ts.Intermediary, ts.Status, next, timesheet.EntryDeadline(w), timesheet.ApprovalDeadline(w), ts.EnteredBy)
		if err != nil {
			t.Fatalf("notifytest: seed timesheet %s %s: %v", ts.Placement, ts.Week, err)
		}
	}
	// The missing-hours read model of the same rows, as its projector keeps
	// them, rolled forward to the data set's week: the overview and the
	// reminders read it, as in production.
	if _, err := pool.Exec(ctx, `
		INSERT INTO mw_placements (placement_id, worker_id, client_id, intermediary_id, start_date, end_date, revision)
		SELECT placement_id, worker_id, client_id, intermediary_id, start_date, end_date, 0 FROM placements;
		INSERT INTO mw_sheets (stream, placement_id, week_start, status, entered_by, revision)
		SELECT stream, placement_id, week_start, status, entered_by, revision FROM ts_timesheets`); err != nil {
		t.Fatalf("notifytest: seed the missing-hours read model: %v", err)
	}
	if _, err := missingweeks.Advance(ctx, pool, MondayW10); err != nil {
		t.Fatal(err)
	}
}
