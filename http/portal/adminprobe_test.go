package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/notify/mail"
)

// workerForm is a complete registration of a new worker (no client).
func workerForm(bsn, email string) url.Values {
	return url.Values{
		"name.first": {"Sanne"}, "name.last": {"Visser"}, "date_of_birth": {"1990-05-17"},
		"bsn": {bsn}, "iban": {"NL91ABNA0417164300"}, "email": {email}, "mobile": {"0612345678"},
		"address.street": {"Dorpsstraat"}, "address.house_number": {"1"}, "address.postal_code": {"1234 AB"},
		"address.city": {"Utrecht"}, "address.country": {"NL"}, "function": {"Heftruckchauffeur"}, "start": {"2026-02-16"},
	}
}

var clientSelectRE = regexp.MustCompile(`(?s)<label for="f-client_id">Opdrachtgever <span aria-hidden="true">\*</span></label>\s*<select id="f-client_id" name="client_id" required`)

// TestBackofficeRegistersWorkerAtChosenClient: the back office registers
// a worker from "Werknemers" and chooses the client (the form had no
// client, so every back-office registration failed with an error at no
// field); without a choice the error is at the select and what was typed
// stays. A client user places at their own company and sees no choice.
func TestBackofficeRegistersWorkerAtChosenClient(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	_, page := h.get("/werknemers/nieuw")
	if !clientSelectRE.MatchString(page) || !strings.Contains(page, `<option value="rijn">Rijn Transport</option>`) {
		t.Fatalf("no client choice for the back office:\n%s", page)
	}

	form := workerForm("111222333", "sanne.visser@example.nl")
	form.Set("csrf", h.token("/werknemers/nieuw"))
	res, body := h.post("/werknemers/nieuw", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("without a client: %d", res.StatusCode)
	}
	if got := fieldError(body, "client_id"); !strings.Contains(got, "Kies de opdrachtgever") {
		t.Fatalf("error at the client select: %q\n%s", got, body)
	}
	if !strings.Contains(body, `href="#f-client_id"`) || !strings.Contains(body, `aria-describedby="err-client_id"`) {
		t.Error("the summary does not link to the client select, or the select is not marked invalid")
	}
	if !strings.Contains(body, `value="Heftruckchauffeur"`) || !strings.Contains(body, `value="Visser"`) {
		t.Error("what was typed is gone")
	}

	form.Set("client_id", "rijn")
	form.Set("csrf", h.token("/werknemers/nieuw"))
	page = h.follow(h.post("/werknemers/nieuw", form))
	row := regexp.MustCompile(`<tr><td>Sanne Visser</td><td[^>]*>Heftruckchauffeur</td><td[^>]*>Rijn Transport</td>`)
	if !row.MatchString(page) {
		t.Fatalf("the new placement is not at Rijn Transport:\n%s", page)
	}

	c := newHarnessOn(t, h.fixture) // a second browser on the same application
	c.loginAs(clientEmail, "nl")
	if _, page := c.get("/werknemers/nieuw"); strings.Contains(page, `name="client_id"`) {
		t.Error("a client user chooses a client")
	}
}

// periodRE matches a worker's row on "Werknemers" with its period.
func periodRE(worker, period string) *regexp.Regexp {
	return regexp.MustCompile(`<tr><td>` + regexp.QuoteMeta(worker) + `</td>(<td[^>]*>[^<]*</td>){2}<td[^>]*>` + regexp.QuoteMeta(period) + `</td>`)
}

// TestBackofficeEndsPlacement: "Werknemers" links each placement to a form
// that ends it (the API could, the portal could not). Errors stay at the
// date with what was typed: empty, before the start, hours booked after
// it. A valid date shows on the list. The intermediary may too; a client
// user sees no link and gets 404, and nothing changed.
func TestBackofficeEndsPlacement(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	_, page := h.get("/werknemers")
	if !strings.Contains(page, `<a href="/plaatsingen/p2/beeindigen">Beëindigen<span class="sr"> Karim Yilmaz</span></a>`) {
		t.Fatalf("no link to end Karim's placement:\n%s", page)
	}
	const path = "/plaatsingen/p2/beeindigen"
	h.checkPage(path, "nl")

	res, body := h.postOn(path, "", url.Values{"reason": {"Contract afgelopen"}})
	if res.StatusCode != http.StatusUnprocessableEntity || fieldError(body, "end") != "Vul de laatste werkdag in." {
		t.Fatalf("empty date: %d %q", res.StatusCode, fieldError(body, "end"))
	}
	if !strings.Contains(body, `value="Contract afgelopen"`) {
		t.Error("the reason typed is gone")
	}
	res, body = h.postOn(path, "", url.Values{"end": {"2025-10-31"}})
	if !refused(res) || fieldError(body, "end") == "" || !strings.Contains(body, `value="2025-10-31"`) {
		t.Fatalf("before the start: %d %q", res.StatusCode, fieldError(body, "end"))
	}
	// Karim's weeks 5 and 6 have hours: ending in week 4 names them.
	res, body = h.postOn(path, "", url.Values{"end": {"2026-01-23"}})
	if !refused(res) || !strings.Contains(fieldError(body, "end"), "5") {
		t.Fatalf("hours after the end: %d %q", res.StatusCode, fieldError(body, "end"))
	}

	form := url.Values{"end": {"2026-03-31"}, "reason": {"Contract afgelopen"}}
	form.Set("csrf", h.token(path))
	page = h.follow(h.post(path, form))
	if !strings.Contains(page, "De plaatsing is beëindigd.") || !periodRE("Karim Yilmaz", "03-11-2025 – 31-03-2026").MatchString(page) {
		t.Fatalf("the end date is not on the list:\n%s", page)
	}

	in := newHarnessOn(t, h.fixture)
	in.loginAs(interEmail, "nl")
	if res, _ := in.get("/plaatsingen/p1/beeindigen"); res.StatusCode != http.StatusOK {
		t.Errorf("intermediary: %d", res.StatusCode)
	}
	c := newHarnessOn(t, h.fixture) // a second browser on the same application
	c.loginAs(clientEmail, "nl")
	if _, page := c.get("/werknemers"); strings.Contains(page, "/beeindigen") {
		t.Error("a client user sees the link")
	}
	if res, _ := c.get("/plaatsingen/p1/beeindigen"); res.StatusCode != http.StatusNotFound {
		t.Errorf("client GET: %d", res.StatusCode)
	}
	res, _ = c.post("/plaatsingen/p1/beeindigen", url.Values{"csrf": {c.token("/werknemers")}, "end": {"2026-03-31"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("client POST: %d", res.StatusCode)
	}
	if _, page := h.get("/werknemers"); !periodRE("Jan de Vries", "03-11-2025 – onbepaald").MatchString(page) {
		t.Error("the client's refused post changed Jan's placement")
	}
}

// TestBackofficeReopensImportedWeek: after the export the back office
// reopens an imported week for a correction from the timesheet itself
// (only the API could). Without a reason the error is at the field; with
// one the week is "Afgekeurd" with that reason, editable for the client
// again. Nobody else sees the form, a client's post changes nothing, and
// a week that is not imported has no form.
func TestBackofficeReopensImportedWeek(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const week = "/plaatsingen/p1/weken/2026-W01"
	_, page := h.get(week)
	if !strings.Contains(page, `id="reopen-form"`) || !strings.Contains(page, "Geïmporteerd") {
		t.Fatalf("no reopen form on the imported week:\n%s", page)
	}
	if _, page := h.get("/plaatsingen/p1/weken/2026-W02"); strings.Contains(page, `id="reopen-form"`) {
		t.Error("a reopen form on a week that is approved, not imported")
	}
	c := newHarnessOn(t, h.fixture) // a second browser on the same application
	c.loginAs(clientEmail, "nl")
	if _, page := c.get(week); strings.Contains(page, `id="reopen-form"`) {
		t.Error("the client sees the reopen form")
	}
	res, _ := c.postOn(week, "/heropenen", url.Values{"heropen_reden": {"Ik wil het anders"}})
	if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Errorf("client reopens: %d", res.StatusCode)
	}
	if _, page := c.get(week); !strings.Contains(page, "Geïmporteerd") {
		t.Fatal("the client's refused post changed the week")
	}

	res, body := h.postOn(week, "/heropenen", url.Values{"heropen_reden": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity || fieldError(body, "reopen_reason") != "Geef een reden voor de correctie." {
		t.Fatalf("no reason: %d %q", res.StatusCode, fieldError(body, "reopen_reason"))
	}
	form := url.Values{"heropen_reden": {"Dinsdag was 7 uur"}}
	form.Set("csrf", h.token(week))
	res, body = h.post(week+"/heropenen", form)
	after := res.Header.Get("Location") // carries the position: the client's read waits for it too
	page = h.follow(res, body)
	if !strings.Contains(page, "Het urenbriefje is heropend voor correctie.") || !strings.Contains(page, "<q>Dinsdag was 7 uur</q>") ||
		strings.Contains(page, `id="reopen-form"`) {
		t.Fatalf("after reopening:\n%s", page)
	}
	if _, page := c.get(after); !strings.Contains(page, "<q>Dinsdag was 7 uur</q>") || !strings.Contains(page, `id="save-lines"`) {
		t.Errorf("the client does not get the week back to correct:\n%s", page)
	}
}

// failMail queues a valid mail to `to` and marks it failed in one
// transaction (as the queue does after its last attempt), so the
// application's own dispatcher never sees it pending.
func failMail(t *testing.T, h *harness, to string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: h.Pool, Sender: h.Outbox, Now: h.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	msg := mail.TimesheetApprovedMail("nl", to, "Piet", mail.TimesheetRef{Worker: "Piet Jansen", Week: "2026-W05", Link: "https://portal.test/geheim-link"})
	err = pgx.BeginFunc(ctx, h.Pool, func(tx pgx.Tx) error {
		if err := disp.Enqueue(ctx, tx, id, msg); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE mail_deliveries SET status = 'failed', attempts = 8, last_error = 'mailbox full' WHERE event_id = $1`, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBackofficeFollowsFailedMail: "Mislukte berichten" (linked from
// Beheer) lists a mail that gave up with its recipient and error, never
// its link; "Opnieuw versturen" queues it and the application delivers
// it. Other roles get 404 from the page and the retry.
func TestBackofficeFollowsFailedMail(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	if _, page := h.get("/beheer"); !strings.Contains(page, `href="/berichten/mislukt"`) {
		t.Fatal("Beheer does not link to the failed messages")
	}
	_, page := h.get(deliveriesPage)
	if !strings.Contains(page, "Er zijn geen mislukte e-mails.") {
		t.Fatalf("empty list:\n%s", page)
	}
	id := failMail(t, h, "piet@w.example")
	h.checkPage(deliveriesPage, "nl")
	_, page = h.get(deliveriesPage)
	if !strings.Contains(page, "<td>piet@w.example</td>") || !strings.Contains(page, "mailbox full") ||
		!strings.Contains(page, ">Urenbriefje geaccordeerd</td>") || strings.Contains(page, "geheim-link") {
		t.Fatalf("the failed mail:\n%s", page)
	}
	retry := deliveriesPage + "/" + id.String() + "/opnieuw"

	c := newHarnessOn(t, h.fixture)
	c.loginAs(clientEmail, "nl")
	if res, _ := c.get(deliveriesPage); res.StatusCode != http.StatusNotFound {
		t.Errorf("client page: %d", res.StatusCode)
	}
	if res, _ := c.post(retry, url.Values{"csrf": {c.token("/")}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("client retry: %d", res.StatusCode)
	}
	if _, page := h.get(deliveriesPage); !strings.Contains(page, "<td>piet@w.example</td>") {
		t.Fatal("the client's refused retry changed the delivery")
	}

	page = h.follow(h.post(retry, url.Values{"csrf": {h.token(deliveriesPage)}}))
	if !strings.Contains(page, "De e-mail staat weer in de wachtrij") {
		t.Fatalf("after the retry:\n%s", page)
	}
	h.Mail(t, "piet@w.example", "") // delivered by the application's dispatcher
	// A second click: no error page, the list says the mail is not failed.
	page = h.follow(h.post(retry, url.Values{"csrf": {h.token(deliveriesPage)}}))
	if !strings.Contains(page, "Deze e-mail is niet (meer) mislukt") || strings.Contains(page, "<td>piet@w.example</td>") {
		t.Errorf("retry of a sent mail:\n%s", page)
	}
}

const deliveriesPage = "/berichten/mislukt"

// canLogIn reports whether email gets in with the fixture's password.
func canLogIn(t *testing.T, h *harness, email string) bool {
	t.Helper()
	b := newHarnessOn(t, h.fixture)
	res, _ := b.post("/inloggen", url.Values{"csrf": {b.token("/inloggen")}, "email": {email}, "password": {password}})
	return res.StatusCode == http.StatusSeeOther
}

// TestBackofficeBlocksWorkerLogin: on a placement's end page the back
// office sees the worker's login and blocks it (a worker who left could
// go on logging in: only client users could be blocked), and unblocks
// it. Another worker's account through this placement is not found; the
// intermediary sees no logins and cannot block.
func TestBackofficeBlocksWorkerLogin(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/plaatsingen/p1/beeindigen"
	_, body := h.get(page)
	jan := h.accounts[workerEmail].AccountID
	block := "/plaatsingen/p1/inloggen/" + jan + "/blokkeren"
	if !strings.Contains(body, `id="worker-logins"`) || !strings.Contains(body, `action="`+block+`"`) {
		t.Fatalf("no login to block:\n%s", body)
	}

	in := newHarnessOn(t, h.fixture)
	in.loginAs(interEmail, "nl")
	if _, body := in.get(page); strings.Contains(body, `id="worker-logins"`) {
		t.Error("the intermediary sees the worker's logins")
	}
	if res, _ := in.post(block, url.Values{"csrf": {in.token(page)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("intermediary blocks: %d", res.StatusCode)
	}
	karim := h.accounts[worker2Email].AccountID
	if res, _ := h.post("/plaatsingen/p1/inloggen/"+karim+"/blokkeren", url.Values{"csrf": {h.token(page)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another worker's account through p1: %d", res.StatusCode)
	}
	if !canLogIn(t, h, workerEmail) || !canLogIn(t, h, worker2Email) {
		t.Fatal("a refused block blocked someone")
	}

	form := url.Values{"csrf": {h.token(page)}}
	body = h.follow(h.post(block, form))
	if !strings.Contains(body, "De gebruiker is geblokkeerd.") || !strings.Contains(body, "/plaatsingen/p1/inloggen/"+jan+"/deblokkeren") {
		t.Fatalf("after blocking:\n%s", body)
	}
	if canLogIn(t, h, workerEmail) {
		t.Fatal("the blocked worker still logs in")
	}
	body = h.follow(h.post("/plaatsingen/p1/inloggen/"+jan+"/deblokkeren", url.Values{"csrf": {h.token(page)}}))
	if !strings.Contains(body, "De gebruiker kan weer inloggen.") || !canLogIn(t, h, workerEmail) {
		t.Fatal("unblocking did not let the worker in again")
	}
}

// TestBackofficeBlocksFormerIntermediaryContact: after a new contact
// person the former contact's login stays (docs/admin.md); the
// intermediary's page lists its logins and the back office blocks the
// former one there (there was no way to). A client's account through
// the intermediary's page is not found; the intermediary itself gets 404.
func TestBackofficeBlocksFormerIntermediaryContact(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/intermediairs/flex"
	form := url.Values{"csrf": {h.token(page)}, "contact.name": {"Fleur Nieuw"}, "contact.email": {"fleur@intermediair.nl"}, "language": {"nl"}}
	h.follow(h.post(page, form))
	_, body := h.get(page)
	old := h.accounts[interEmail].AccountID
	block := page + "/gebruikers/" + old + "/blokkeren"
	if !strings.Contains(body, "<td data-label=\"E-mailadres\">fleur@intermediair.nl</td>") || !strings.Contains(body, `action="`+block+`"`) {
		t.Fatalf("the intermediary's logins:\n%s", body)
	}

	in := newHarnessOn(t, h.fixture)
	in.loginAs(interEmail, "nl")
	if res, _ := in.post(block, url.Values{"csrf": {in.token("/")}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("the intermediary blocks: %d", res.StatusCode)
	}
	els := h.accounts[clientEmail].AccountID
	if res, _ := h.post(page+"/gebruikers/"+els+"/blokkeren", url.Values{"csrf": {h.token(page)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a client's account through the intermediary: %d", res.StatusCode)
	}
	if !canLogIn(t, h, clientEmail) || !canLogIn(t, h, interEmail) {
		t.Fatal("a refused block blocked someone")
	}

	body = h.follow(h.post(block, url.Values{"csrf": {h.token(page)}}))
	if !strings.Contains(body, "De gebruiker is geblokkeerd.") || canLogIn(t, h, interEmail) {
		t.Fatal("the former contact still logs in")
	}
}

// TestEndedPlacementsListed: a placement that ended leaves "Werknemers";
// the back office, the intermediary and the placement's client find it
// under "Beëindigde plaatsingen tonen" (the client to place the worker
// again: TestPlaceFormerWorkerAgain); another client does not.
func TestEndedPlacementsListed(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const path = "/plaatsingen/p2/beeindigen"
	// Karim's hours are in weeks 5 and 6: his placement can end on Sunday of week 6.
	res, body := h.post(path, url.Values{"csrf": {h.token(path)}, "end": {"2026-02-08"}})
	after := res.Header.Get("Location")
	page := h.follow(res, body)
	if strings.Contains(page, ">Karim Yilmaz</td>") {
		t.Fatal("the ended placement is still listed as active")
	}
	if !strings.Contains(page, `<a href="/werknemers?status=beeindigd">Beëindigde plaatsingen tonen</a>`) {
		t.Fatal("no link to the ended placements")
	}
	_, page = h.get("/werknemers?status=beeindigd")
	if !periodRE("Karim Yilmaz", "03-11-2025 – 08-02-2026").MatchString(page) || strings.Contains(page, ">Jan de Vries</td>") ||
		strings.Contains(page, "/plaatsingen/p2/beeindigen") {
		t.Fatalf("the ended list:\n%s", page)
	}

	in := newHarnessOn(t, h.fixture)
	in.loginAs(interEmail, "nl")
	if _, page := in.get("/werknemers?status=beeindigd"); !strings.Contains(page, ">Karim Yilmaz</td>") {
		t.Error("the intermediary does not see the ended placement")
	}
	c := newHarnessOn(t, h.fixture)
	c.loginAs(client2Email, "nl")
	if _, page := c.get(after); !strings.Contains(page, "status=beeindigd") {
		t.Error("Karim's client has no link to the ended list")
	}
	if _, page := c.get("/werknemers?status=beeindigd"); !strings.Contains(page, ">Karim Yilmaz</td>") ||
		!strings.Contains(page, `href="/plaatsingen/p2/nieuwe-plaatsing"`) {
		t.Errorf("Karim's client does not see his ended placement to place him again:\n%s", page)
	}
	other := newHarnessOn(t, h.fixture)
	other.loginAs(clientEmail, "nl")
	if _, page := other.get("/werknemers?status=beeindigd"); strings.Contains(page, ">Karim Yilmaz</td>") {
		t.Error("another client sees Karim's ended placement")
	}
}
