package timesheet_test

import (
	"errors"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

func reopen(actor domain.Actor, reason string) cmd {
	return func(a *ts.Timesheet) ([]domain.Event, error) { return a.Reopen(actor, reason, now) }
}

func TestReopenRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		given  []cmd
		actor  domain.Actor
		reason string
		code   string
		kind   domain.Kind
	}{
		{"worker", importedH, worker, "x", "backoffice_only", domain.KindForbidden},
		{"client", importedH, client, "x", "backoffice_only", domain.KindForbidden},
		{"payroll", importedH, payroll, "x", "backoffice_only", domain.KindForbidden},
		{"approved, not imported", approved, backoffice, "x", "not_imported", domain.KindConflict},
		{"offered", offered, backoffice, "x", "not_imported", domain.KindConflict},
		{"no reason", importedH, backoffice, "  ", "reason_required", domain.KindInvalid},
		{"control character", importedH, backoffice, "a\x00b", "text_encoding", domain.KindRule},
		{"invalid UTF-8", importedH, backoffice, "a\xffb", "text_encoding", domain.KindRule},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := load(t, history(t, tc.given...))
			evs, err := a.Reopen(tc.actor, tc.reason, now)
			wantErr(t, err, tc.code, tc.kind)
			if len(evs) != 0 {
				t.Fatal("events with an error")
			}
		})
	}
}

// A reopened timesheet is editable for the one who enters, goes through
// the whole chain again in a new round and can be imported again; the
// events replay to the same state.
func TestReopenForCorrection(t *testing.T) {
	terms := baseTerms()
	a := load(t, history(t, importedH...))
	evs := do(t, a, reopen(backoffice, "Dinsdag was 7 uur"))
	r := evs[0].(*ts.Reopened)
	if r.Round != 1 || r.ImportBatch != "batch-1" || r.Hash != a.OfferedHash() || r.By != domain.RoleBackoffice ||
		r.ReturnedTo != domain.RoleWorker || r.Reason != "Dinsdag was 7 uur" {
		t.Fatalf("%+v", r)
	}
	if a.Status() != ts.StatusRejected || a.ImportBatch() != "" {
		t.Fatalf("status %s batch %q", a.Status(), a.ImportBatch())
	}
	if rej, ok := a.Rejection(); !ok || rej.Reason != "Dinsdag was 7 uur" || rej.By != domain.RoleBackoffice {
		t.Fatalf("rejection %+v", rej)
	}
	if _, err := a.SetLine(client, terms, "N", days(480, 420, 480, 480, 480), now); err == nil {
		t.Fatal("the client, who does not enter the hours here, changed the reopened timesheet")
	}
	evs = do(t, a, setLine(worker, terms, "N", days(480, 420, 480, 480, 480)), offer(worker, terms),
		approve(client, terms), approve(intermediary, terms))
	final := evs[len(evs)-1].(*ts.Approved)
	if final.Round != 2 || final.TotalMinutes != 2340 || a.Status() != ts.StatusApproved {
		t.Fatalf("second round %+v, status %s", final, a.Status())
	}
	do(t, a, imported("batch-2"))
	if a.Status() != ts.StatusImported || a.ImportBatch() != "batch-2" {
		t.Fatalf("status %s batch %q", a.Status(), a.ImportBatch())
	}
	all := history(t, append(append([]cmd{}, importedH...), reopen(backoffice, "Dinsdag was 7 uur"),
		setLine(worker, terms, "N", days(480, 420, 480, 480, 480)), offer(worker, terms),
		approve(client, terms), approve(intermediary, terms), imported("batch-2"))...)
	b := load(t, all)
	if b.Status() != a.Status() || b.Round() != 2 || b.ContentHash() != a.ContentHash() || b.Version() != a.Version() {
		t.Fatal("replay differs")
	}
	for _, e := range all {
		data, _ := domain.Encode(e)
		if _, err := ts.Events.Decode(e.EventType(), data); err != nil {
			t.Fatal(err)
		}
	}
}

// A payroll report retried after the timesheet was reopened is answered as
// recorded (the import happened), not as "not approved"; another batch is
// still refused, and after the correction is imported in a new batch the
// old report is still a safe retry.
func TestImportReportRetriedAfterReopen(t *testing.T) {
	reopened := append(append([]cmd{}, importedH...), reopen(backoffice, "Dinsdag was 7 uur"))
	a := load(t, history(t, reopened...))
	if evs, err := a.MarkImported(payroll, now, "batch-1"); err != nil || len(evs) != 0 {
		t.Fatalf("retry of batch-1 after reopen: %v %v", evs, err)
	}
	if _, err := a.MarkImported(payroll, now, "batch-2"); !errors.Is(err, &domain.Error{Code: "not_approved"}) {
		t.Fatalf("another batch after reopen: %v", err)
	}
}
