package portal_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	pay "backoffice/domain/payroll"
	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/portal"
)

// The screen "Salarisverwerking" on the real application: Bakkerij Bol
// pays weekly through Loket (administration 1001); Jan (w1, persnr 10)
// has week 2 approved and week 1 imported in "batch-1".

// setUpPayroll gives Bakkerij Bol its payroll settings and mapping and Jan
// his personnel number (unless without is set), as the back office would.
func (f *fixture) setUpPayroll(t *testing.T, withPersnr bool) {
	t.Helper()
	ctx := context.Background()
	pc := f.App.PortalDeps.Payroll
	bo := commands.Meta{Actor: f.accounts[boEmail], CorrelationID: "fixture"}
	must := func(_ commands.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(pc.SetSettings(ctx, bo, paycmd.SetSettings{ClientID: "bol", Settings: pay.Settings{
		Administration: "1001", DebtorNumber: "D42", Relation: "R7", Period: pay.PeriodWeek, Package: pay.TargetLoket}}))
	must(pc.SetMapping(ctx, bo, paycmd.SetMapping{ClientID: "bol", ValidFrom: "2025-01-06", Entries: []pay.Mapping{
		{Kind: pay.SourceHours, Code: "100", Loket: "1", Nmbrs: "Uren 100", Easyflex: "U100", AFAS: "U100"},
		{Kind: pay.SourceHours, Code: "125", Loket: "2", Nmbrs: "Uren 125", Easyflex: "U125", AFAS: "U125"}}}))
	if withPersnr {
		must(pc.SetPersonnelNumber(ctx, bo, paycmd.SetPersonnelNumber{WorkerID: "w1", Administration: "1001", PersonnelNumber: "10"}))
	}
	f.WaitForProjections(t)
}

// exportForm is the export form for Bakkerij Bol, week 2 of 2026.
func exportForm(token string) url.Values {
	return url.Values{"csrf": {token}, "opdrachtgever": {"bol"}, "soort": {"week"}, "jaar": {"2026"}, "nummer": {"2"},
		"formaat": {"easyflex.csv"}}
}

func TestPayrollExportDownloadConfirm(t *testing.T) {
	f := newFixture(t)
	f.setUpPayroll(t, true)
	h := newHarnessOn(t, f)
	for _, lang := range []string{"en", "nl"} {
		h.loginAs(boEmail, lang)
		h.checkPage("/salarisverwerking", lang)
	}
	_, body := h.get("/salarisverwerking")
	if !strings.Contains(body, `href="/salarisverwerking" aria-current="page"`) {
		t.Fatal("no tab Salarisverwerking for the back office")
	}
	// The backlog: Bakkerij Bol, week 2, one timesheet to export (week 1
	// is imported already).
	row := between(body, `id="backlog-table"`, `</table>`)
	if !strings.Contains(row, "Bakkerij Bol") || !strings.Contains(row, "week 2 (2026)") || strings.Contains(row, "week 1 (2026)") ||
		!strings.Contains(row, `<td class="num" data-label="Te exporteren">1</td>`) {
		t.Fatalf("backlog:\n%s", row)
	}

	res, body := h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, body)
	}
	loc := res.Header.Get("Location")
	const batch = "bol_2026-W02_1"
	if !strings.HasPrefix(loc, "/salarisverwerking/batches/"+batch+"?") || !strings.Contains(loc, "formaat=easyflex.csv") {
		t.Fatalf("after create: %s", loc)
	}
	h.checkPage(loc, "nl")
	_, body = h.get(loc)
	if !strings.Contains(body, "De exportbatch is gemaakt") || !strings.Contains(between(body, `id="batch-status"`, `</dd>`), "Open") ||
		!strings.Contains(body, boEmail+" (backoffice)") || !strings.Contains(body, "woensdag 11-02-2026 12:00") {
		t.Fatalf("batch page:\n%s", body)
	}
	// The chosen format is offered first.
	files := between(body, `id="batch-files"`, `</ul>`)
	if i, j := strings.Index(files, "easyflex.csv"), strings.Index(files, "loket.csv"); i < 0 || j < 0 || i > j {
		t.Fatalf("files:\n%s", files)
	}

	// Download: the file, as the API gives it.
	res, file := h.get("/salarisverwerking/batches/" + batch + "/bestanden/loket.csv")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Disposition") != `attachment; filename="`+batch+`-loket.csv"` {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
	want := "aanslnr;persnr;ploeg;1;2\r\n1001;10;;35,50;\r\n"
	if file != want {
		t.Fatalf("loket.csv = %q, want %q", file, want)
	}
	if res, _ := h.get("/salarisverwerking/batches/" + batch + "/bestanden/word.docx"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown format: %d", res.StatusCode)
	}
	// Another export of the period while this one is open: refused at the form.
	res, body = h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	if res.StatusCode != http.StatusConflict || !strings.Contains(between(body, `id="form-error"`, `</div>`), "staat nog open") {
		t.Fatalf("second export: %d\n%s", res.StatusCode, body)
	}

	// Confirm: final, the timesheet is imported.
	page := "/salarisverwerking/batches/" + batch
	res, body = h.postOn(page, "/bevestigen", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
	}
	_, body = h.get(res.Header.Get("Location"))
	if !strings.Contains(between(body, `id="batch-status"`, `</dd>`), "Bevestigd") || strings.Contains(body, `id="confirm-form"`) ||
		strings.Contains(body, `id="cancel-form"`) {
		t.Fatalf("after confirm:\n%s", body)
	}
	if d := h.sheet("p1", 2); d.Status != string(timesheet.StatusImported) {
		t.Fatalf("p1 week 2 after confirm: %s", d.Status)
	}
	// A confirmed batch cannot be cancelled.
	res, body = h.postOn(page, "/annuleren", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "bevestigd en definitief") {
		t.Fatalf("cancel a confirmed batch: %d", res.StatusCode)
	}
	// The overview: nothing to export, the batch in the history with who
	// and when.
	_, body = h.get("/salarisverwerking")
	if strings.Contains(body, `id="backlog-table"`) {
		t.Fatalf("backlog after the import:\n%s", between(body, `id="backlog-table"`, `</table>`))
	}
	hist := between(body, `id="batches-table"`, `</table>`)
	if !strings.Contains(hist, batch) || !strings.Contains(hist, "Bevestigd") || strings.Count(hist, boEmail) != 2 {
		t.Fatalf("batch history:\n%s", hist)
	}
	// The client's settings page lists its batches too.
	if _, body := h.get("/salarisverwerking/opdrachtgevers/bol"); !strings.Contains(between(body, `id="client-batches-table"`, `</table>`), batch) {
		t.Fatal("the client's page does not list its batch")
	}
}

func TestPayrollCancelReturnsTheBacklog(t *testing.T) {
	f := newFixture(t)
	f.setUpPayroll(t, true)
	h := newHarnessOn(t, f)
	h.loginAs(boEmail, "en")
	// From the backlog row's own button (the client's package: Loket).
	_, body := h.get("/salarisverwerking")
	if !strings.Contains(body, `name="formaat" value="loket.csv"`) {
		t.Fatalf("the row's export does not choose the client's package:\n%s", between(body, `id="backlog-table"`, `</table>`))
	}
	res, body := h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, body)
	}
	page := "/salarisverwerking/batches/bol_2026-W02_1"
	h.checkPage(page, "en")
	res, body = h.postOn(page, "/annuleren", url.Values{"reden": {"Wrong week\u202e"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reden"`) {
		t.Fatalf("cancel with a bidi override in the reason: %d\n%s", res.StatusCode, body)
	}
	res, body = h.postOn(page, "/annuleren", url.Values{"reden": {"Imported into the wrong period"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d\n%s", res.StatusCode, body)
	}
	_, body = h.get(res.Header.Get("Location"))
	if !strings.Contains(between(body, `id="batch-status"`, `</dd>`), "Cancelled") || !strings.Contains(body, "Imported into the wrong period") ||
		strings.Contains(body, `id="confirm-form"`) {
		t.Fatalf("after cancel:\n%s", body)
	}
	if d := h.sheet("p1", 2); d.Status != string(timesheet.StatusApproved) {
		t.Fatalf("p1 week 2 after cancel: %s", d.Status)
	}
	// Back in the backlog, and a new batch takes it.
	_, body = h.get("/salarisverwerking")
	if row := between(body, `id="backlog-table"`, `</table>`); !strings.Contains(row, `<td class="num" data-label="To export">1</td>`) || strings.Contains(row, "bol_2026-W02_1") {
		t.Fatalf("backlog after cancel:\n%s", row)
	}
	res, _ = h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/salarisverwerking/batches/bol_2026-W02_2?") {
		t.Fatalf("export after cancel: %d %s", res.StatusCode, loc)
	}
}

// TestPayrollFormErrors: a worker without a personnel number is named at
// the form; a period that does not exist is refused next to its field;
// exporting every client lists who was left out and why.
func TestPayrollFormErrors(t *testing.T) {
	f := newFixture(t)
	f.setUpPayroll(t, false)
	h := newHarnessOn(t, f)
	h.loginAs(boEmail, "nl")
	form := exportForm(h.token("/salarisverwerking"))
	form.Set("nummer", "54")
	res, body := h.post("/salarisverwerking/exports", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-nummer"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("week 54: %d\n%s", res.StatusCode, body)
	}
	form.Set("soort", "month")
	form.Set("nummer", "13")
	if res, body := h.post("/salarisverwerking/exports", form); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(between(body, `id="err-nummer"`, `</p>`), "Een maand heeft een nummer van 1 tot en met 12") {
		t.Fatalf("month 13: %d\n%s", res.StatusCode, body)
	}
	res, body = h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(between(body, `id="form-error"`, `</div>`), "Jan de Vries (w1)") {
		t.Fatalf("without a personnel number: %d\n%s", res.StatusCode, body)
	}
	all := exportForm(h.token("/salarisverwerking"))
	all.Set("opdrachtgever", "")
	res, body = h.post("/salarisverwerking/exports", all)
	result := between(body, `id="export-result"`, `</section>`)
	if res.StatusCode != http.StatusOK || !strings.Contains(result, "Er is geen batch gemaakt") ||
		!strings.Contains(result, "<strong>Bakkerij Bol</strong>: Deze werknemers hebben geen personeelsnummer") {
		t.Fatalf("every client: %d\n%s", res.StatusCode, result)
	}
	// Nothing was appended to the exports stream.
	if _, err := h.Store.ReadStream(context.Background(), pay.ExportsStream("bol"), eventstore.ReadStreamOptions{Max: 1}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("exports stream after refusals: %v", err)
	}
}

// TestPayrollIsBackofficeOnly: for everyone else the screen, its files
// and its forms do not exist (as in the API), the tab is not shown and
// nothing changes.
func TestPayrollIsBackofficeOnly(t *testing.T) {
	f := newFixture(t)
	f.setUpPayroll(t, true)
	ctx := context.Background()
	_, created, _, err := f.App.PortalDeps.Payroll.CreateExport(ctx, commands.Meta{Actor: f.accounts[boEmail]},
		paycmd.CreateExport{ClientID: "bol", Period: mustPeriod(t, "2026-W02")})
	if err != nil {
		t.Fatal(err)
	}
	batch := "/salarisverwerking/batches/" + created[0].BatchID
	h := newHarnessOn(t, f)
	for _, email := range []string{clientEmail, interEmail, workerEmail} {
		h.loginAs(email, "nl")
		if _, body := h.get("/"); strings.Contains(body, `href="/salarisverwerking"`) {
			t.Errorf("%s: the navigation links Salarisverwerking", email)
		}
		for _, p := range []string{"/salarisverwerking", batch, batch + "/bestanden/loket.csv", batch + "/bestanden/jsonl"} {
			if res, body := h.get(p); res.StatusCode != http.StatusNotFound || strings.Contains(body, "1001;10") || strings.Contains(body, "Exportbatch") {
				t.Errorf("%s: GET %s = %d", email, p, res.StatusCode)
			}
		}
		token := h.token("/")
		for _, p := range []string{batch + "/bevestigen", batch + "/annuleren"} {
			if res, _ := h.post(p, url.Values{"csrf": {token}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: POST %s = %d", email, p, res.StatusCode)
			}
		}
		form := exportForm(token)
		form.Set("nummer", "1") // week 1 is imported: a second batch would have to be refused anyway
		form.Set("opdrachtgever", "")
		if res, _ := h.post("/salarisverwerking/exports", form); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: POST export = %d", email, res.StatusCode)
		}
	}
	// Nothing changed: the batch is still open and alone.
	v, err := f.App.PortalDeps.Payroll.Client(ctx, f.accounts[boEmail], "bol")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Batches) != 1 || v.Batches[0].Status != pay.StatusOpen {
		t.Fatalf("batches after the refusals: %+v", v.Batches)
	}
}

// TestCorrectedRoundsSideBySide: week 1 of Jan was imported; the back
// office reopens it, the client corrects Tuesday and Saturday and the
// intermediary approves round 2. The history shows the back office both
// rounds per line and day, and everyone the reopening with its label.
func TestCorrectedRoundsSideBySide(t *testing.T) {
	f := newFixture(t)
	correctWeek1(t, f)
	h := newHarnessOn(t, f)
	page := "/plaatsingen/p1/weken/2026-W01/geschiedenis"
	h.loginAs(boEmail, "nl")
	h.checkPage(page, "nl")
	_, body := h.get(page)
	rounds := between(body, `id="rounds"`, `</section>`)
	for _, want := range []string{"Ronde 1", "Ronde 2", "batch-1",
		// Tuesday 30 December 2025: 8 → 7 hours; Saturday: 0 → 2.
		`Normale uren · 30-12-2025</th><td class="num">8</td><td class="num">7</td><td class="num">−1</td>`,
		`Normale uren · 03-01-2026</th><td class="num">0</td><td class="num">2</td><td class="num">&#43;2</td>`,
		`Normale uren · 29-12-2025</th><td class="num">8</td><td class="num">8</td><td class="num">0</td>`} {
		if !strings.Contains(rounds, want) {
			t.Fatalf("rounds: no %q in\n%s", want, rounds)
		}
	}
	if !strings.Contains(body, "Heropend voor correctie") || !strings.Contains(body, "Dinsdag was 7 uur") {
		t.Fatal("the history does not label the reopening with its reason")
	}
	h.loginAs(boEmail, "en")
	h.checkPage(page, "en")
	if _, body := h.get(page); !strings.Contains(body, "Reopened for correction") || !strings.Contains(body, "Rounds side by side") {
		t.Fatal("no English labels")
	}
	// The overview lists the correction as waiting for an export.
	h.loginAs(boEmail, "nl")
	_, body = h.get("/salarisverwerking")
	if c := between(body, `id="corrections-table"`, `</table>`); !strings.Contains(c, "Geaccordeerd, wacht op export") || !strings.Contains(c, "batch-1") {
		t.Fatalf("corrections waiting:\n%s", c)
	}
	// The client sees the history, not the payroll rounds.
	h.loginAs(clientEmail, "nl")
	if _, body := h.get(page); strings.Contains(body, `id="rounds"`) || !strings.Contains(body, "Heropend voor correctie") {
		t.Fatal("the client: rounds shown, or no reopening in the history")
	}
}

func mustPeriod(t *testing.T, s string) pay.Period {
	t.Helper()
	p, err := pay.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// between returns the part of s from the first from up to the next to
// ("" when from is missing).
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	rest := s[i:]
	if j := strings.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}

// TestPayrollBatchWhoseMakingStopped: a batch whose items were never all
// appended (the process stopped) shows how far it got, offers no files
// and no confirmation, refuses a download, and can be cancelled.
func TestPayrollBatchWhoseMakingStopped(t *testing.T) {
	f := newFixture(t)
	f.setUpPayroll(t, true)
	ctx := context.Background()
	period := mustPeriod(t, "2026-W02")
	settings := pay.Settings{Administration: "1001", Period: pay.PeriodWeek, Package: pay.TargetLoket}
	if _, err := commands.Save(ctx, f.Store, commands.Stream{Name: pay.ExportsStream("bol")}, commands.Meta{Actor: f.accounts[boEmail]},
		f.Clock.Now(), &pay.BatchCreated{BatchID: "bol_2026-W02_1", ClientID: "bol", Period: period, Settings: settings,
			Mapping: []pay.Mapping{{Kind: pay.SourceHours, Code: "100", Loket: "1"}}, Items: 1, Sources: []string{"hours:100"}}); err != nil {
		t.Fatal(err)
	}
	h := newHarnessOn(t, f)
	h.loginAs(boEmail, "nl")
	page := "/salarisverwerking/batches/bol_2026-W02_1"
	h.checkPage(page, "nl")
	_, body := h.get(page)
	if !strings.Contains(between(body, `id="batch-building"`, `</section>`), "0 van 1 urenbriefjes") ||
		strings.Contains(body, `id="batch-files"`) || strings.Contains(body, `id="confirm-form"`) || !strings.Contains(body, `id="cancel-form"`) {
		t.Fatalf("a stopped batch's page:\n%s", body)
	}
	if res, body := h.get(page + "/bestanden/loket.csv"); res.StatusCode != http.StatusConflict || !strings.Contains(body, "wordt nog gemaakt") {
		t.Fatalf("download of a stopped batch: %d", res.StatusCode)
	}
	if _, body := h.get("/salarisverwerking"); !strings.Contains(between(body, `id="batches-table"`, `</table>`), "Wordt gemaakt (0 van 1)") {
		t.Fatal("the overview does not show the batch being made")
	}
	if res, _ := h.postOn(page, "/annuleren", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel a stopped batch: %d", res.StatusCode)
	}
	res, _ := h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/salarisverwerking/batches/bol_2026-W02_2?") {
		t.Fatalf("export after cancelling the stopped batch: %d %s", res.StatusCode, loc)
	}
}

// TestPayrollClientSettings: the back office sets Rijn Transport's payroll
// settings, its mapping and Karim's personnel number through the forms;
// refusals appear at the form; for a client user the page does not exist.
func TestPayrollClientSettings(t *testing.T) {
	f := newFixture(t)
	h := newHarnessOn(t, f)
	page := "/salarisverwerking/opdrachtgevers/rijn"
	h.loginAs(clientEmail, "nl")
	if res, _ := h.get(page); res.StatusCode != http.StatusNotFound {
		t.Fatalf("client user: GET = %d", res.StatusCode)
	}
	if res, _ := h.post(page+"/instellingen", url.Values{"csrf": {h.token("/")}, "administratie": {"9"}, "periode": {"week"}, "pakket": {"loket"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("client user: POST = %d", res.StatusCode)
	}
	for _, lang := range []string{"en", "nl"} {
		h.loginAs(boEmail, lang)
		h.checkPage(page, lang)
	}
	_, body := h.get(page)
	if !strings.Contains(body, "Sla eerst de instellingen op") || strings.Contains(body, `id="numbers-form"`) {
		t.Fatal("personnel numbers offered before the settings")
	}
	res, body := h.postOn(page, "/instellingen", url.Values{"administratie": {"2002"}, "debiteur": {"D9"},
		"periode": {"month"}, "pakket": {"nmbrs"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d\n%s", res.StatusCode, body)
	}
	_, body = h.get(res.Header.Get("Location"))
	if !strings.Contains(body, "De salarisinstellingen zijn opgeslagen") || !strings.Contains(body, `value="2002"`) ||
		!strings.Contains(body, `<option value="month" selected>`) || !strings.Contains(body, `id="numbers-form"`) {
		t.Fatalf("after the settings:\n%s", body)
	}
	// A Loket component is a number: refused, nothing stored.
	form := url.Values{"csrf": {h.token(page)}, "geldig_vanaf": {"2026-01-05"}, "map.hours.100.nmbrs": {"Uren 100"}, "map.hours.100.loket": {"een"}}
	res, body = h.post(page+"/koppeling", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(between(body, `id="err-map.hours.100.loket"`, `</p>`), "nummer van hoogstens 10 cijfers") ||
		!strings.Contains(body, `value="Uren 100"`) {
		t.Fatalf("bad mapping: %d\n%s", res.StatusCode, body)
	}
	form.Set("map.hours.100.loket", "1")
	form.Set("map.expense.parking.nmbrs", "Parkeren")
	if res, body := h.post(page+"/koppeling", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mapping: %d\n%s", res.StatusCode, body)
	}
	res, body = h.postOn(page, "/personeelsnummers", url.Values{"persnr.w2": {"5 5"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="err-persnr.w2"`) {
		t.Fatalf("bad personnel number: %d\n%s", res.StatusCode, body)
	}
	if res, body := h.postOn(page, "/personeelsnummers", url.Values{"persnr.w2": {"55"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("personnel number: %d\n%s", res.StatusCode, body)
	}
	ctx := context.Background()
	pc := f.App.PortalDeps.Payroll
	c, err := pc.Client(ctx, f.accounts[boEmail], "rijn")
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings == nil || c.Settings.Administration != "2002" || c.Settings.Package != pay.TargetNmbrs || len(c.Mappings) != 1 ||
		len(c.Mappings[0].Entries) != 2 || c.Mappings[0].ValidFrom != "2026-01-05" {
		t.Fatalf("stored: %+v", c)
	}
	w, err := pc.Worker(ctx, f.accounts[boEmail], "w2")
	if err != nil || w.PersonnelNumbers["2002"] != "55" {
		t.Fatalf("persnr: %+v %v", w, err)
	}
	_, body = h.get(page)
	if !strings.Contains(body, `name="persnr.w2" maxlength="20" value="55"`) || !strings.Contains(body, `name="map.expense.parking.nmbrs" maxlength="40" size="10" value="Parkeren">`) {
		t.Fatalf("the page after saving:\n%s", body)
	}
}

// TestPayrollExportShowsProgress: a portal that does not wait for a
// batch's items (ExportWait < 0, as for a batch of thousands) answers the
// form with the batch's page as soon as the batch is decided; the items
// are recorded in the background and the page ends complete.
func TestPayrollExportShowsProgress(t *testing.T) {
	f := newFixture(t)
	f.setUpPayroll(t, true)
	h := newHarnessWith(t, f, func(d *portal.Deps) { d.ExportWait = -1 })
	h.loginAs(boEmail, "nl")
	res, body := h.post("/salarisverwerking/exports", exportForm(h.token("/salarisverwerking")))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/salarisverwerking/batches/bol_2026-W02_1?") ||
		!strings.Contains(loc, "ok=export_building") {
		t.Fatalf("create: %d %s\n%s", res.StatusCode, loc, body)
	}
	_, body = h.get(loc)
	if !strings.Contains(body, "Deze pagina toont hoe ver dat is") {
		t.Fatalf("no progress flash:\n%s", body)
	}
	// The background recording finishes (bounded polling, no timing claim).
	for i := 0; ; i++ {
		_, body = h.get("/salarisverwerking/batches/bol_2026-W02_1")
		if !strings.Contains(body, `id="batch-building"`) {
			break
		}
		if i == 600 {
			t.Fatal("the batch never completed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(body, `id="batch-files"`) || !strings.Contains(body, `id="confirm-form"`) {
		t.Fatalf("complete batch:\n%s", body)
	}
}
