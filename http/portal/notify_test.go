package portal_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/notify/mail"
)

// settingsOf reads the stored notification settings of the account of email
// (no row: both on).
func (h *harness) settingsOf(email string) (approved, reminders bool) {
	h.t.Helper()
	err := h.Pool.QueryRow(context.Background(), `SELECT coalesce(bool_and(approved_mail), true), coalesce(bool_and(reminders), true)
		FROM notify_settings WHERE account_id = $1`, h.accounts[email].AccountID).Scan(&approved, &reminders)
	if err != nil {
		h.t.Fatal(err)
	}
	return approved, reminders
}

// TestSettingsScreen: "Instellingen" shows the user's mail settings (on by
// default), stores what the form says (an unticked box is off), switches
// the language, refuses a form without its CSRF token, and puts a clear
// Dutch error at the language field.
func TestSettingsScreen(t *testing.T) {
	h := newHarness(t)
	for _, lang := range []string{"nl", "en"} {
		h.loginAs(workerEmail, lang)
		h.checkPage("/instellingen", lang)
	}
	h.loginAs(workerEmail, "nl")
	_, body := h.get("/")
	if !strings.Contains(body, `href="/instellingen"`) {
		t.Fatal("no link to Instellingen in the header")
	}
	_, body = h.get("/instellingen")
	if strings.Count(body, " checked") != 3 { // both mails on, Nederlands chosen
		t.Fatalf("defaults not shown as ticked (want reminders, approved mail and nl):\n%s", body)
	}
	tok := h.token("/instellingen")

	// Without the token nothing is stored.
	res, _ := h.post("/instellingen", url.Values{"taal": {"nl"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without CSRF token: %d, want 403", res.StatusCode)
	}
	if a, r := h.settingsOf(workerEmail); !a || !r {
		t.Fatalf("a refused form changed the settings: approved %v reminders %v", a, r)
	}

	// A language that does not exist: the error at the field, nothing stored.
	res, body = h.post("/instellingen", url.Values{"csrf": {tok}, "geaccordeerd": {"aan"}, "taal": {"fr"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-taal">Kies Nederlands of English.`) {
		t.Fatalf("unknown language: %d\n%s", res.StatusCode, body)
	}
	if a, r := h.settingsOf(workerEmail); !a || !r {
		t.Fatalf("a refused form changed the settings: approved %v reminders %v", a, r)
	}

	// Reminders off, approved mail on, English.
	res, _ = h.post("/instellingen", url.Values{"csrf": {tok}, "geaccordeerd": {"aan"}, "taal": {"en"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/instellingen?") || !strings.Contains(loc, "ok=settings_saved") {
		t.Fatalf("save: %d to %q", res.StatusCode, loc)
	}
	if a, r := h.settingsOf(workerEmail); !a || r {
		t.Fatalf("stored approved %v reminders %v, want true false", a, r)
	}
	_, body = h.get(loc)
	if !strings.Contains(body, "Your settings have been saved.") || !strings.Contains(body, `<html lang="en">`) {
		t.Fatalf("after saving: no English confirmation\n%s", body)
	}
	if strings.Contains(body, `name="herinneringen" value="aan" checked`) || !strings.Contains(body, `name="geaccordeerd" value="aan" checked`) {
		t.Fatalf("the page does not show what was stored:\n%s", body)
	}
	// The language is the account's (the mails' too): another browser gets English.
	other := newHarnessOn(t, h.fixture)
	other.post("/inloggen", url.Values{"csrf": {other.token("/inloggen")}, "email": {workerEmail}, "password": {password}})
	if _, body := other.get("/"); !strings.Contains(body, "Status overview of the hours") {
		t.Fatal("the language chosen in the settings was not stored in the account")
	}

	// Everything off, back to Dutch.
	res, _ = h.post("/instellingen", url.Values{"csrf": {h.token("/instellingen")}, "taal": {"nl"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d", res.StatusCode)
	}
	if a, r := h.settingsOf(workerEmail); a || r {
		t.Fatalf("stored approved %v reminders %v, want both off", a, r)
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "Uw instellingen zijn opgeslagen.") {
		t.Fatal("no Dutch confirmation after switching back")
	}
}

// TestSettingsSwitchOffTheApprovedMail: the setting is the one the mailer
// reads. Els (client, enters the hours of p1) switches the "approved" mail
// off in the screen; Karim (worker, enters p2) keeps it. Both weeks are
// approved; only Karim is mailed.
func TestSettingsSwitchOffTheApprovedMail(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	res, _ := h.post("/instellingen", url.Values{"csrf": {h.token("/instellingen")}, "herinneringen": {"aan"}, "taal": {"nl"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	ctx := context.Background()
	count := func(email string) int {
		var n int
		if err := h.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE recipient = $1 AND kind = $2`,
			email, mail.KindTimesheetApproved).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The fixture's own approvals (weeks 1 and 2 of p1) were mailed.
	elsBefore, karimBefore := count(clientEmail), count(worker2Email)
	ts := h.App.Timesheets
	as := func(email string) commands.Meta { return commands.Meta{Actor: h.accounts[email]} }
	must := func(_ commands.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	p1w5 := tscmd.Target{PlacementID: "p1", Week: wk(5)}
	must(ts.Offer(ctx, as(clientEmail), tscmd.Offer{Target: p1w5}))
	must(ts.Approve(ctx, as(interEmail), tscmd.Approve{Target: p1w5}))
	p2w5 := tscmd.Target{PlacementID: "p2", Week: wk(5)}
	must(ts.Approve(ctx, as(client2Email), tscmd.Approve{Target: p2w5}))
	must(ts.Approve(ctx, as(interEmail), tscmd.Approve{Target: p2w5}))
	h.WaitForProjections(t)
	if n := count(worker2Email) - karimBefore; n != 1 {
		t.Fatalf("Karim (setting on) got %d approved mails, want 1", n)
	}
	if n := count(clientEmail) - elsBefore; n != 0 {
		t.Fatalf("Els switched the approved mail off and got %d", n)
	}
}

// TestMissingHoursPage is the overview's matrix in the portal (the fixture
// is Wednesday 11 February 2026, week 7): who sees which placements, the
// filters, the CSV, and the summary on the home page.
func TestMissingHoursPage(t *testing.T) {
	h := newHarness(t)
	for _, lang := range []string{"nl", "en"} {
		h.loginAs(interEmail, lang)
		h.checkPage("/ontbrekende-uren", lang)
		h.checkPage("/ontbrekende-uren?week=2026-W06&klant=bol", lang)
		h.loginAs(boEmail, lang)
		h.checkPage("/ontbrekende-uren", lang)
		h.loginAs(clientEmail, lang)
		h.checkPage("/ontbrekende-uren", lang)
	}
	names := []string{"Jan de Vries", "Karim Yilmaz", "Fatima el Amrani", "Piet Jansen"}
	cases := []struct {
		who, email, path string
		status           int
		see              []string // of names
	}{
		// 8 weeks: p1 weeks 4 (rejected), 5 (open), 6 and the weeks of
		// 2025 (nothing); p2 weeks before 5; p3 week 6 (open); p4 all.
		{"intermediary", interEmail, "/ontbrekende-uren", 200, names},
		{"intermediary, one client", interEmail, "/ontbrekende-uren?week=alle&klant=bol", 200, []string{"Jan de Vries", "Piet Jansen"}},
		// Week 6: p2 is offered, the others are not.
		{"intermediary, week 6", interEmail, "/ontbrekende-uren?week=2026-W06", 200, []string{"Jan de Vries", "Fatima el Amrani", "Piet Jansen"}},
		// The back office's default is the week just past (6).
		{"back office", boEmail, "/ontbrekende-uren", 200, []string{"Jan de Vries", "Fatima el Amrani", "Piet Jansen"}},
		{"back office, 8 weeks", boEmail, "/ontbrekende-uren?week=alle", 200, names},
		{"client", clientEmail, "/ontbrekende-uren", 200, []string{"Jan de Vries", "Piet Jansen"}},
		{"client, another client's ID", clientEmail, "/ontbrekende-uren?week=alle&klant=rijn", 200, nil},
		{"client of Rijn", client2Email, "/ontbrekende-uren", 200, []string{"Karim Yilmaz"}},
		// (Jan's own name is in the header.)
		{"worker", workerEmail, "/ontbrekende-uren", 403, []string{"Jan de Vries"}},
		{"worker, CSV", workerEmail, "/ontbrekende-uren?formaat=csv", 403, []string{"Jan de Vries"}},
		{"client, CSV", clientEmail, "/ontbrekende-uren?week=alle&formaat=csv", 200, []string{"Jan de Vries", "Piet Jansen"}},
		{"bad week", interEmail, "/ontbrekende-uren?week=2026-W99", 400, nil},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			h.loginAs(c.email, "nl")
			res, body := h.get(c.path)
			if res.StatusCode != c.status {
				t.Fatalf("GET %s: %d, want %d\n%s", c.path, res.StatusCode, c.status, body)
			}
			for _, n := range names {
				if want, got := contains(c.see, n), strings.Contains(body, n); want != got {
					t.Errorf("GET %s: shows %s = %v, want %v", c.path, n, got, want)
				}
			}
		})
	}

	// The page: per client with the deadline and how late; a row links to
	// the timesheet.
	h.loginAs(interEmail, "nl")
	if _, body := h.get("/ontbrekende-uren?week=alle"); !strings.Contains(body, "27 urenbriefjes ontbreken.") {
		t.Errorf("the intermediary's 8 weeks are not 27 rows:\n%s", body)
	}
	_, body := h.get("/ontbrekende-uren?week=2026-W04")
	for _, want := range []string{"<h2>Bakkerij Bol", "Afgekeurd, niet opnieuw aangeboden", `href="/plaatsingen/p1/weken/2026-W04"`,
		"dinsdag 27-01-2026 00:00", "15 dagen te laat", "<h2>Rijn Transport", "Niets ingevuld"} {
		if !strings.Contains(body, want) {
			t.Errorf("week 4 lacks %q", want)
		}
	}
	if !strings.Contains(body, `href="/ontbrekende-uren?formaat=csv&amp;week=2026-W04"`) {
		t.Errorf("no CSV link for the selection:\n%s", body)
	}
	res, body := h.get("/ontbrekende-uren?formaat=csv&week=2026-W04&klant=bol")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	want := [][]string{
		{"Opdrachtgever", "Intermediair", "Werknemer", "Plaatsing", "Week", "Status", "Deadline", "Uren te laat"},
		{"Bakkerij Bol", "Flex Uitzend", "Jan de Vries", "p1", "2026-W04", "rejected", "2026-01-27 00:00", "372"},
		{"Bakkerij Bol", "Flex Uitzend", "Piet Jansen", "p4", "2026-W04", "missing", "2026-01-27 00:00", "372"},
	}
	if len(recs) != len(want) {
		t.Fatalf("CSV rows %v, want %v", recs, want)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("CSV row %d = %v, want %v", i, recs[i], want[i])
		}
	}

	// Home: a summary for intermediaries and the back office, none for others.
	_, body = h.get("/")
	// The counted summary agrees with the page (27 rows at 3 clients; the
	// oldest, week 51 of 2025, due Tuesday 23 December).
	if !strings.Contains(body, "27 urenbriefjes bij 3 opdrachtgevers ontbreken (de afgelopen 8 weken). Het oudste: 50 dagen te laat.") ||
		!strings.Contains(body, `href="/ontbrekende-uren"`) {
		t.Errorf("intermediary's home without the missing-hours summary:\n%s", body)
	}
	h.loginAs(boEmail, "nl")
	if _, body = h.get("/"); !strings.Contains(body, "3 urenbriefjes bij 2 opdrachtgevers ontbreken (week 6 (2026)).") {
		t.Errorf("back office's home: summary of week 6 wrong:\n%s", body)
	}
	for _, email := range []string{clientEmail, workerEmail} {
		h.loginAs(email, "nl")
		if _, body = h.get("/"); strings.Contains(body, `id="missing-summary"`) {
			t.Errorf("%s: home shows the missing-hours summary", email)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
