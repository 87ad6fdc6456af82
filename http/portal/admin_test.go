package portal_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	rmid "backoffice/readmodel/identity"
)

// The back office's "Beheer" screens on the real application.

var adminPages = []string{
	"/beheer", "/beheer/opdrachtgevers", "/beheer/opdrachtgevers/nieuw", "/beheer/opdrachtgevers/bol",
	"/beheer/opdrachtgevers/bol/wijzigen", "/beheer/opdrachtgevers/bol/afspraken/nieuw", "/beheer/intermediairs", "/beheer/intermediairs/nieuw",
	"/beheer/intermediairs/flex", "/beheer/sleutels",
}

// submit posts form to path with the CSRF token of page and a fresh
// idempotency key.
func (h *harness) submit(page, path string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	form.Set("csrf", h.token(page))
	if form.Get("sleutel") == "" {
		form.Set("sleutel", strings.ReplaceAll(h.t.Name(), "/", "-")+"-"+path+"-"+form.Encode()[:min(20, len(form.Encode()))])
	}
	return h.post(path, form)
}

// follow answers a redirect with the page it leads to.
func (h *harness) follow(res *http.Response, body string) string {
	h.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("status %d, want 303\n%s", res.StatusCode, body)
	}
	res2, page := h.get(res.Header.Get("Location"))
	if res2.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: %d\n%s", res.Header.Get("Location"), res2.StatusCode, page)
	}
	return page
}

// refused: a form the domain (400) or the form's own reading (422)
// refused, shown again.
func refused(res *http.Response) bool {
	return res.StatusCode == http.StatusBadRequest || res.StatusCode == http.StatusUnprocessableEntity
}

// fieldError is the error shown at a form input (err-<name>: a paragraph
// under a field, a span in a grid cell), "" when none.
func fieldError(body, name string) string {
	m := regexp.MustCompile(`<(p|span) class="err" id="err-` + regexp.QuoteMeta(name) + `">([^<]*)</(p|span)>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[2]
}

func TestAdminPagesRender(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarnessOn(t, f)
			h.loginAs(boEmail, lang)
			for _, p := range adminPages {
				h.checkPage(p, lang)
			}
			_, home := h.get("/")
			if !strings.Contains(home, `href="/beheer"`) {
				t.Error("the back office's menu has no Beheer")
			}
		})
	}
}

// TestAdminOnlyForBackoffice: for every other role the pages do not exist
// (404), the menu has no entry, a form changes nothing, and the commands
// and queries behind the screens refuse them too.
func TestAdminOnlyForBackoffice(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	posts := map[string]url.Values{
		"/beheer/intermediairs/nieuw":           {"name": {"Sluip"}, "contact.name": {"X"}, "contact.email": {"x@sluip.nl"}},
		"/beheer/intermediairs/flex":            {"contact.name": {"Overname"}, "contact.email": {"x@sluip.nl"}},
		"/beheer/opdrachtgevers/bol/gebruikers": {"email": {"x@sluip.nl"}},
		"/beheer/opdrachtgevers/bol/wijzigen":   {"name": {"Overgenomen"}, "kvk": {"23456789"}, "contact.name": {"X"}, "contact.email": {"x@sluip.nl"}},
		"/beheer/opdrachtgevers/bol/gebruikers/" + h.accounts[clientEmail].AccountID + "/blokkeren":  {},
		"/beheer/opdrachtgevers/acme/gebruikers/" + h.accounts[acmeEmail].AccountID + "/deblokkeren": {},
		"/beheer/sleutels": {"label": {"sluip"}, "role": {"payroll"}},
	}
	for _, email := range []string{clientEmail, interEmail, workerEmail} {
		h.loginAs(email, "nl")
		for _, p := range adminPages {
			if res, body := h.get(p); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Deze pagina bestaat niet.") {
				t.Errorf("%s: GET %s = %d, want 404", email, p, res.StatusCode)
			}
		}
		if _, home := h.get("/"); strings.Contains(home, `href="/beheer"`) {
			t.Errorf("%s: the menu links Beheer", email)
		}
		for p, form := range posts {
			form.Set("csrf", h.token("/"))
			if res, _ := h.post(p, form); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: POST %s = %d, want 404", email, p, res.StatusCode)
			}
		}
	}
	// Nothing changed.
	h.WaitForProjections(t)
	bo := h.accounts[boEmail]
	people := rmid.NewQueries(h.Pool, h.Clock.Now)
	if users, _ := people.ClientAccounts(ctx, bo, "bol"); len(users) != 1 {
		t.Errorf("bol has %d users after the refused forms, want 1", len(users))
	}
	if users, _ := people.ClientAccounts(ctx, bo, "acme"); len(users) != 1 || !users[0].Disabled {
		t.Errorf("acme's blocked user after the refused forms: %+v", users)
	}
	if c, _ := people.Client(ctx, bo, "bol"); c.Name != "Bakkerij Bol" {
		t.Errorf("client renamed to %q", c.Name)
	}
	if i, _ := people.Intermediary(ctx, bo, "flex"); i.Contact.Name != "Flex Uitzend" {
		t.Errorf("contact changed to %q", i.Contact.Name)
	}
	if ts, _ := h.App.Identity.Tokens.Tokens(ctx, bo); len(ts) != 0 {
		t.Errorf("%d tokens after the refused forms", len(ts))
	}
	// The layer below refuses on its own.
	svc := h.App.Identity
	for _, email := range []string{clientEmail, interEmail, workerEmail} {
		m := commands.Meta{Actor: h.accounts[email]}
		if _, _, err := svc.Registration.InviteClientUser(ctx, m, identity.InviteClientUser{ClientID: "bol", Email: "y@sluip.nl"}); !notAllowed(err) {
			t.Errorf("%s: InviteClientUser = %v", email, err)
		}
		if _, err := svc.Accounts.DisableAccount(ctx, m, identity.DisableAccount{AccountID: h.accounts[clientEmail].AccountID}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: DisableAccount = %v", email, err)
		}
		if _, err := svc.Registration.ChangeIntermediaryContact(ctx, m, "flex", intermediary.Contact{Name: "Y", Email: "y@sluip.nl"}, "nl"); !notAllowed(err) {
			t.Errorf("%s: ChangeIntermediaryContact = %v", email, err)
		}
		if _, err := svc.Accounts.EnableAccount(ctx, m, identity.DisableAccount{AccountID: h.accounts[acmeEmail].AccountID}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: EnableAccount = %v", email, err)
		}
		if _, err := svc.Registration.ChangeClientDetails(ctx, m, "bol", client.Details{Name: "Overgenomen"}, "nl"); !notAllowed(err) {
			t.Errorf("%s: ChangeClientDetails = %v", email, err)
		}
		if v, err := people.AgreementVersions(ctx, m.Actor, "bol"); !errors.Is(err, domain.ErrNotFound) || v != nil {
			t.Errorf("%s: AgreementVersions = %v %v", email, v, err)
		}
		if u, err := people.ClientAccounts(ctx, m.Actor, "bol"); !errors.Is(err, domain.ErrNotFound) || u != nil {
			t.Errorf("%s: ClientAccounts = %v %v", email, u, err)
		}
	}
}

// notAllowed: a back-office command refused a user of the portal: 404 when
// the user cannot see the object, 403 when they can (the API tells the
// two apart; the portal's /beheer answers 404 before either).
func notAllowed(err error) bool {
	k := domain.KindOf(err)
	return k == domain.KindNotFound || k == domain.KindForbidden
}

func TestAdminIntermediaries(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/intermediairs/nieuw"

	// The domain's error, in Dutch, at the field; what was typed stays.
	res, body := h.submit(page, page, url.Values{"name": {"Uitzend Noord"}, "contact.name": {"Noor Dijk"}, "contact.email": {"noor@"}})
	if !refused(res) || fieldError(body, "contact.email") == "" ||
		!strings.Contains(body, `value="Uitzend Noord"`) {
		t.Fatalf("bad e-mail: %d, error %q\n%s", res.StatusCode, fieldError(body, "contact.email"), body)
	}
	if msg := fieldError(body, "contact.email"); !strings.Contains(msg, "e-mailadres") {
		t.Errorf("error not Dutch: %q", msg)
	}

	list := h.follow(h.submit(page, page, url.Values{"name": {"Uitzend Noord"}, "kvk": {"87654321"},
		"contact.name": {"Noor Dijk"}, "contact.email": {"noor@noord.nl"}, "language": {"nl"}}))
	if !strings.Contains(list, "Uitzend Noord") || !strings.Contains(list, "De intermediair is ingeschreven.") {
		t.Fatalf("list after registering:\n%s", list)
	}
	h.Mail(t, "noor@noord.nl", "") // the activation mail, as for the API

	// Edit the contact of Flex.
	edit := "/beheer/intermediairs/flex"
	res, body = h.submit(edit, edit, url.Values{"contact.name": {""}, "contact.email": {interEmail}})
	if !refused(res) || fieldError(body, "contact.name") == "" {
		t.Fatalf("empty name: %d %q", res.StatusCode, fieldError(body, "contact.name"))
	}
	list = h.follow(h.submit(edit, edit, url.Values{"contact.name": {"Fleur Flex"}, "contact.email": {interEmail}}))
	if !strings.Contains(list, "Fleur Flex") {
		t.Fatalf("list after the edit:\n%s", list)
	}
}

// clientForm is a complete new-client form: Bakkerij Noord with two hour
// types, the worker enters and the client, then the intermediary approve.
func clientForm() url.Values {
	return url.Values{
		"rows": {"4"}, "intermediary_id": {"flex"}, "name": {"Bakkerij Noord"}, "kvk": {"11223344"},
		"address.street": {"Dorpsstraat"}, "address.house_number": {"7"}, "address.postal_code": {"9711 AA"},
		"address.city": {"Groningen"}, "address.country": {"NL"},
		"contact.name": {"Nina Noord"}, "contact.email": {"nina@noord.nl"}, "contact.mobile": {"06 12345678"}, "language": {"nl"},
		"ht.0.code": {"100"}, "ht.0.name": {"Normale uren"}, "ht.0.percentage": {"100"}, "ht.0.rate": {"32,50"},
		"ht.1.code": {"125"}, "ht.1.name": {"Overuren"}, "ht.1.percentage": {"125"},
		"normal_hour_type": {"100"}, "entered_by": {"worker"}, "chain.1": {"client"}, "chain.2": {"intermediary"},
		"allowance.day": {"2,50"}, "from": {"2026-02-02"},
	}
}

func TestAdminRegisterClient(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/opdrachtgevers/nieuw"
	for name, tc := range map[string]struct {
		change func(url.Values)
		field  string
		want   string
	}{
		"kvk":               {func(f url.Values) { f.Set("kvk", "123") }, "kvk", "KvK"},
		"percentage range":  {func(f url.Values) { f.Set("ht.1.percentage", "600") }, "ht.1.percentage", "tussen 0 en 500"},
		"percentage text":   {func(f url.Values) { f.Set("ht.1.percentage", "veel") }, "ht.1.percentage", "heel getal"},
		"duplicate code":    {func(f url.Values) { f.Set("ht.1.code", "100") }, "ht.1.code", "maar één keer"},
		"enterer approves":  {func(f url.Values) { f.Set("chain.1", "worker") }, "approval_chain", "kan ze niet ook accorderen"},
		"allowance":         {func(f url.Values) { f.Set("allowance.day", "twee") }, "allowance.day", "bedrag"},
		"allowance too big": {func(f url.Values) { f.Set("allowance.hour", "150") }, "allowances", "tussen €0 en €100"},
		"rate":              {func(f url.Values) { f.Set("ht.0.rate", "5000") }, "ht.0.rate", "€1000"},
		"no intermediary":   {func(f url.Values) { f.Set("intermediary_id", "") }, "intermediary_id", "De intermediair bestaat niet."},
	} {
		t.Run(name, func(t *testing.T) {
			form := clientForm()
			tc.change(form)
			res, body := h.submit(page, page, form)
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Fatalf("status %d\n%s", res.StatusCode, body)
			}
			got := fieldError(body, tc.field)
			if got == "" || !strings.Contains(got, tc.want) {
				t.Fatalf("error at %s: %q, want %q", tc.field, got, tc.want)
			}
			if !strings.Contains(body, `value="Bakkerij Noord"`) {
				t.Error("the form lost what was typed")
			}
		})
	}
	detail := h.follow(h.submit(page, page, clientForm()))
	for _, want := range []string{"Bakkerij Noord", "De opdrachtgever is ingeschreven.", "Geldig vanaf 02-02-2026",
		"opdrachtgever → intermediair", "€ 32,50", "€ 2,50", "125%", "nina@noord.nl"} {
		if !strings.Contains(detail, want) {
			t.Errorf("client page lacks %q", want)
		}
	}
	h.Mail(t, "nina@noord.nl", "")
	_, list := h.get("/beheer/opdrachtgevers")
	if !strings.Contains(list, "Bakkerij Noord") {
		t.Error("the list lacks the new client")
	}
}

func TestAdminAgreementVersion(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/opdrachtgevers/bol/afspraken/nieuw"
	_, form := h.get(page)
	// The form starts from the agreement in force, from next Monday.
	for _, want := range []string{`name="ht.3.code" value="ZK"`, `value="2026-02-16"`, `name="ht.1.percentage" value="125"`} {
		if !strings.Contains(form, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	version := url.Values{"rows": {"4"},
		"ht.0.code": {"100"}, "ht.0.name": {"Normale uren"}, "ht.0.percentage": {"100"}, "ht.0.rate": {"35"},
		"ht.1.code": {"125"}, "ht.1.name": {"Overuren"}, "ht.1.percentage": {"130"},
		"normal_hour_type": {"100"}, "entered_by": {"client"}, "chain.1": {"intermediary"}, "time_registration": {"1"},
		"from": {"2026-02-17"}}
	res, body := h.submit(page, page, version)
	if !refused(res) || !strings.Contains(fieldError(body, "from"), "maandag") {
		t.Fatalf("a Tuesday: %d %q", res.StatusCode, fieldError(body, "from"))
	}
	version.Set("from", "2026-01-26")
	if _, body := h.submit(page, page, version); !strings.Contains(fieldError(body, "from"), "eerdere week") {
		t.Fatalf("a past week: %q", fieldError(body, "from"))
	}
	version.Set("from", "2026-02-16")
	detail := h.follow(h.submit(page, page, version))
	for _, want := range []string{"De afspraken zijn opgeslagen.", "Geldig vanaf 06-01-2025", "nu geldig",
		"Geldig vanaf 16-02-2026", "130%", "€ 35,00"} {
		if !strings.Contains(detail, want) {
			t.Errorf("client page lacks %q", want)
		}
	}
	vs, err := rmid.NewQueries(h.Pool, h.Clock.Now).AgreementVersions(context.Background(), h.accounts[boEmail], "bol")
	if err != nil || len(vs) != 2 || vs[1].EffectiveFrom != "2026-02-16" || !vs[1].TimeRegistration || vs[1].HourTypes[1].Percentage != 130 {
		t.Fatalf("versions %+v %v", vs, err)
	}
}

func TestAdminClientUsers(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/opdrachtgevers/bol"
	const invite = page + "/gebruikers"
	// An address another account uses: the domain's refusal at the field.
	res, body := h.submit(page, invite, url.Values{"email": {workerEmail}})
	if !refused(res) || !strings.Contains(fieldError(body, "email"), "al in gebruik") {
		t.Fatalf("taken address: %d %q", res.StatusCode, fieldError(body, "email"))
	}
	if _, body := h.submit(page, invite, url.Values{"email": {"geen adres"}}); fieldError(body, "email") == "" {
		t.Fatal("no error for a malformed address")
	}
	detail := h.follow(h.submit(page, invite, url.Values{"email": {"zoe@bakkerijbol.nl"}, "language": {"nl"}}))
	if !strings.Contains(detail, "zoe@bakkerijbol.nl") || !strings.Contains(detail, "Uitgenodigd, nog niet geactiveerd") {
		t.Fatalf("after the invitation:\n%s", detail)
	}
	h.Mail(t, "zoe@bakkerijbol.nl", "") // the activation mail
	// Inviting her again is refused: she has a login already.
	res, body = h.submit(page, invite, url.Values{"email": {"Zoe@Bakkerijbol.nl"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "heeft al een login bij deze opdrachtgever") {
		t.Fatalf("second invitation: %d", res.StatusCode)
	}

	// Block Els: her session ends, she cannot log in again.
	els := newHarnessOn(t, h.fixture)
	els.loginAs(clientEmail, "nl")
	detail = h.follow(h.submit(page, invite+"/"+h.accounts[clientEmail].AccountID+"/blokkeren", url.Values{}))
	if !strings.Contains(detail, "De gebruiker is geblokkeerd.") || !strings.Contains(detail, "Geblokkeerd") {
		t.Fatalf("after blocking:\n%s", detail)
	}
	// Blocking again (a resent form) changes nothing and fails nothing.
	h.follow(h.submit(page, invite+"/"+h.accounts[clientEmail].AccountID+"/blokkeren", url.Values{}))
	if res, _ := els.get("/urenbriefjes"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("Els's session still works: %d", res.StatusCode)
	}
	res, _ = els.post("/inloggen", url.Values{"csrf": {els.token("/inloggen")}, "email": {clientEmail}, "password": {password}})
	if res.StatusCode == http.StatusSeeOther {
		t.Error("a blocked user logged in")
	}
	// Unblocked, she logs in again.
	detail = h.follow(h.submit(page, invite+"/"+h.accounts[clientEmail].AccountID+"/deblokkeren", url.Values{}))
	if !strings.Contains(detail, "De gebruiker kan weer inloggen.") {
		t.Fatalf("after unblocking:\n%s", detail)
	}
	els.loginAs(clientEmail, "nl")
	// Another client's user cannot be reached through this client's page.
	res, _ = h.submit(page, invite+"/"+h.accounts[client2Email].AccountID+"/blokkeren", url.Values{})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("blocking Rijn's user through Bol: %d", res.StatusCode)
	}
}

var tokenRE = regexp.MustCompile(`<code id="new-token" class="secret">([^<]+)</code>`)

func TestAdminTokens(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/sleutels"
	// Without the form's CSRF token nothing is created.
	if res, _ := h.post(page, url.Values{"label": {"Zonder token"}, "role": {"payroll"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF token: %d, want 403", res.StatusCode)
	}
	res, body := h.submit(page, page, url.Values{"label": {""}, "role": {"payroll"}})
	if !refused(res) || fieldError(body, "label") == "" {
		t.Fatalf("empty label: %d %q", res.StatusCode, fieldError(body, "label"))
	}
	res, body = h.submit(page, page, url.Values{"label": {"Loket"}, "role": {"worker"}})
	if !refused(res) || fieldError(body, "role") == "" {
		t.Fatalf("worker token: %d %q", res.StatusCode, fieldError(body, "role"))
	}
	res, body = h.submit(page, page, url.Values{"label": {"Salarispakket Loket"}, "role": {"payroll"}})
	m := tokenRE.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("created: %d, token %v, cache %q", res.StatusCode, m, res.Header.Get("Cache-Control"))
	}
	secret := m[1]
	if !strings.Contains(body, `data-label="Laatst gebruikt">Nooit</td>`) {
		t.Fatal("a new token is not listed as never used")
	}
	// The token works on the API, and is never shown again.
	api := func() int {
		req, _ := http.NewRequest(http.MethodGet, h.URL+"/api/v1/payroll/approved", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if st := api(); st != http.StatusOK {
		t.Fatalf("the new token on the API: %d", st)
	}
	_, list := h.get(page)
	if strings.Contains(list, secret) || !strings.Contains(list, "Salarispakket Loket") {
		t.Fatal("the list shows the secret or lacks the token")
	}
	if strings.Contains(list, `data-label="Laatst gebruikt">Nooit</td>`) || !strings.Contains(list, `data-label="Laatst gebruikt">`) {
		t.Fatal("after its use the token is still listed as never used")
	}
	ts, err := h.App.Identity.Tokens.Tokens(context.Background(), h.accounts[boEmail])
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens %+v %v", ts, err)
	}
	list = h.follow(h.submit(page, page+"/"+ts[0].ID+"/intrekken", url.Values{}))
	if !strings.Contains(list, "De sleutel is ingetrokken.") || !strings.Contains(list, "Ingetrokken op") {
		t.Fatalf("after revoking:\n%s", list)
	}
	if st := api(); st != http.StatusUnauthorized {
		t.Fatalf("a revoked token on the API: %d", st)
	}
}

func TestAdminEditClient(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/beheer/opdrachtgevers/bol/wijzigen"
	_, form := h.get(page)
	if !strings.Contains(form, `value="Bakkerij Bol"`) || !strings.Contains(form, `value="`+clientEmail+`"`) {
		t.Fatal("the form does not start from the current details")
	}
	edit := url.Values{"name": {"Bakkerij Bol & Zonen"}, "kvk": {"23456789"}, "address.street": {"Molenstraat"},
		"address.house_number": {"4"}, "address.postal_code": {"3512"}, "address.city": {"Utrecht"}, "address.country": {"NL"},
		"contact.name": {"Bram Bol"}, "contact.email": {"bram@bakkerijbol.nl"}}
	res, body := h.submit(page, page, edit)
	if !refused(res) || !strings.Contains(fieldError(body, "address.postal_code"), "postcode") {
		t.Fatalf("bad postal code: %d %q", res.StatusCode, fieldError(body, "address.postal_code"))
	}
	edit.Set("address.postal_code", "3512 AB")
	detail := h.follow(h.submit(page, page, edit))
	for _, want := range []string{"De gegevens van de opdrachtgever zijn opgeslagen.", "Bakkerij Bol &amp; Zonen", "Bram Bol · bram@bakkerijbol.nl"} {
		if !strings.Contains(detail, want) {
			t.Errorf("client page lacks %q", want)
		}
	}
	// The new contact gets a login of their own; Els keeps hers.
	h.Mail(t, "bram@bakkerijbol.nl", "")
	if !strings.Contains(detail, "bram@bakkerijbol.nl</td>") || !strings.Contains(detail, clientEmail+"</td>") {
		t.Error("the users list lacks the new or the former contact")
	}
	// Every screen shows the new name (read models join it).
	els := newHarnessOn(t, h.fixture)
	els.loginAs(clientEmail, "nl")
	if _, body := els.get("/werknemers"); !strings.Contains(body, "Bakkerij Bol &amp; Zonen") {
		t.Error("the workers list shows the old name")
	}
}
