package identityapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	it "backoffice/internal/identitytest"
)

// TestEndWithHoursAfterIt: ending a placement before days with booked
// hours is refused with 422 hours_after_end naming the week (issue 11 §1);
// an end after the last booked day is accepted.
func TestEndWithHoursAfterIt(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	today := ts.Today(time.Now())
	start := today.AddDays(-21)
	r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(withField(workerBody("piet-a@example.test"),
		"client_id", a.clientID), "start", start.String()), "bsn", "123456782")), http.StatusCreated)
	placementID := r.Str(t, "placement_id")

	// Last week's timesheet holds hours on every day (recorded directly,
	// as the timesheet commands would have).
	week := ts.WeekOf(today.AddDays(-7))
	seed := commands.Meta{Actor: domain.Actor{AccountID: "seed", Role: domain.RoleBackoffice}}
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	mins := [7]ts.Minutes{480, 480, 480, 480, 480, 240, 240}
	if _, err := commands.Save(context.Background(), e.Store, commands.Stream{Name: ts.StreamName(placementID, week)}, seed, time.Now(),
		&ts.Opened{PlacementID: placementID, Week: week, WeekStart: week.Start(), WeekEnd: week.End(), EnteredBy: domain.RoleWorker, NormalHourType: normal},
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: mins}, DayTotals: mins}); err != nil {
		t.Fatal(err)
	}

	end := func(d ts.Date) it.Response {
		return e.Do(t, http.MethodPost, "/placements/"+placementID+"/end", bo, map[string]string{"end": d.String()})
	}
	res := it.Want(t, end(week.Day(2)), http.StatusUnprocessableEntity)
	if code, field := res.ErrorField(t); code != "hours_after_end" || field != "end" {
		t.Fatalf("error %s (%s), want hours_after_end (end): %s", code, field, res.Body)
	}
	if !strings.Contains(string(res.Body), week.String()) {
		t.Fatalf("the refusal does not name week %s: %s", week, res.Body)
	}
	it.Want(t, end(week.End()), http.StatusOK)
}

// TestSameBSNTwice: registering a second worker with a BSN that is
// registered already is 422 bsn_in_use on field bsn, also across tenants
// (issue 11 §4).
func TestSameBSNTwice(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	for _, tn := range []tenant{a, b} {
		r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(workerBody("dubbel-"+tn.clientID+"@example.test"), "client_id", tn.clientID)),
			http.StatusUnprocessableEntity)
		if code, field := r.ErrorField(t); code != "bsn_in_use" || field != "bsn" || strings.Contains(string(r.Body), testBSN) {
			t.Fatalf("same BSN at %s: %s", tn.clientID, r.Body)
		}
	}
	// The refused registration left nothing behind: its e-mail address is free.
	it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(workerBody("dubbel-"+a.clientID+"@example.test"),
		"client_id", a.clientID), "bsn", bsnFor("c"))), http.StatusCreated)
}

// TestEndCorrectedWhileStillToCome: an end date that is still to come can be
// corrected by ending again (a typo of 2200 for 2026 must not fix the
// placement for ever); the read model shows the last one. An end that has
// passed is final (409 already_ended), and the same date again is refused.
func TestEndCorrectedWhileStillToCome(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	today := ts.Today(time.Now())
	r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(withField(workerBody("piet-a@example.test"),
		"client_id", a.clientID), "start", today.AddDays(-21).String()), "bsn", "123456782")), http.StatusCreated)
	placementID := r.Str(t, "placement_id")
	end := func(d string) it.Response {
		return e.Do(t, http.MethodPost, "/placements/"+placementID+"/end", a.clientToken, map[string]string{"end": d})
	}
	shown := func(pos string) string {
		r := it.Want(t, e.Do(t, http.MethodGet, "/placements/"+placementID+"?min_position="+pos, a.clientToken, nil), http.StatusOK)
		s, _ := r.JSON(t)["end"].(string)
		return s
	}
	r = it.Want(t, end("2200-01-01"), http.StatusOK)
	if got := shown(r.Str(t, "position")); got != "2200-01-01" {
		t.Fatalf("end shown %q, want 2200-01-01", got)
	}
	fixed := today.AddDays(30).String()
	r = it.Want(t, end(fixed), http.StatusOK)
	if got := shown(r.Str(t, "position")); got != fixed {
		t.Fatalf("corrected end shown %q, want %s", got, fixed)
	}
	if code, _ := it.Want(t, end(fixed), http.StatusConflict).ErrorField(t); code != "already_ended" {
		t.Fatalf("the same end again: %s", code)
	}
	// Correcting to yesterday ends it in the past: then it is final.
	it.Want(t, end(today.AddDays(-1).String()), http.StatusOK)
	if code, _ := it.Want(t, end(fixed), http.StatusConflict).ErrorField(t); code != "already_ended" {
		t.Fatalf("a passed end corrected: %s", code)
	}
}
