package portal

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// Tests of the tab "Overige": documents, upload, files, signing, invoices
// and the hours report, against the fakes in fake_test.go.

func TestOtherTabOnlyWithItsPorts(t *testing.T) {
	t.Run("no ports", func(t *testing.T) {
		h := newHarnessWith(t, func(d *Deps) { d.Documents, d.Reports = nil, nil })
		h.loginAs(clientActor, "nl")
		if _, body := h.get("/"); strings.Contains(body, `href="/overige"`) || strings.Contains(body, ">Overige<") {
			t.Fatal("the tab Overige is shown without its ports")
		}
		for _, p := range []string{"/overige", "/overige/documenten", "/overige/facturen", "/overige/urenrapport", "/documenten/d-contract/ondertekenen"} {
			if res, _ := h.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, res.StatusCode)
			}
		}
	})
	t.Run("reports only", func(t *testing.T) {
		h := newHarnessWith(t, func(d *Deps) { d.Documents = nil })
		h.loginAs(clientActor, "nl")
		_, body := h.get("/")
		if !strings.Contains(body, `<a href="/overige">Overige</a>`) {
			t.Fatal("no tab Overige with the hours report set")
		}
		if res, _ := h.get("/overige"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/overige/urenrapport" {
			t.Fatalf("/overige goes to %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = h.get("/overige/urenrapport")
		if strings.Contains(body, `href="/overige/documenten"`) || strings.Contains(body, `href="/overige/facturen"`) {
			t.Fatal("sub-navigation links documents without the Documents port")
		}
		if res, _ := h.get("/overige/documenten"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("documents without the port: %d", res.StatusCode)
		}
	})
	t.Run("both", func(t *testing.T) {
		h := newHarness(t)
		h.loginAs(clientActor, "nl")
		_, body := h.get("/overige/facturen")
		// After Werknemers, marked current; sub-navigation in the manual's order.
		tabs := regexp.MustCompile(`href="/werknemers">Werknemers</a></li>\s*<li><a href="/overige" aria-current="page">Overige</a>`)
		if !tabs.MatchString(body) {
			t.Fatalf("tab Overige not after Werknemers or not current:\n%s", body)
		}
		i, j, k := strings.Index(body, ">Facturen</a>"), strings.Index(body, ">Documenten</a>"), strings.Index(body, ">Urenrapport</a>")
		if i < 0 || j < i || k < j {
			t.Fatalf("sub-navigation order %d %d %d", i, j, k)
		}
		if res, _ := h.get("/overige"); res.Header.Get("Location") != "/overige/facturen" {
			t.Fatalf("/overige goes to %q", res.Header.Get("Location"))
		}
	})
}

// rowsOf returns the text of each body row of the table with id.
func rowsOf(t *testing.T, body, id string) []string {
	t.Helper()
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		return nil
	}
	table := body[start:]
	table = table[:strings.Index(table, "</table>")]
	tbody := table[strings.Index(table, "<tbody>"):strings.Index(table, "</tbody>")]
	var out []string
	for _, tr := range strings.Split(tbody, "<tr>")[1:] {
		out = append(out, strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(tr, " ")), " "))
	}
	return out
}

func TestDocumentsList(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	_, body := h.get("/overige/documenten")
	rows := rowsOf(t, body, "documents")
	if len(rows) != 3 {
		t.Fatalf("client sees %d documents, want 3 (not the other client's):\n%v", len(rows), rows)
	}
	for i, want := range []string{
		"Arbeidsovereenkomst Jan de Vries Jan de Vries arbeidsovereenkomst.pdf 14 bytes 09-02-2026 backoffice ✎ Ter ondertekening",
		"Kopie ID-bewijs Piet Jansen Piet Jansen ⚠ Alleen in te zien door de backoffice en de werknemer id piet.jpg 244 kB 08-02-2026 opdrachtgever",
		"Werkinstructies werkinstructies.docx 1,5 MB 07-02-2026 backoffice ✓ Ondertekend",
	} {
		if rows[i] != want {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want)
		}
	}
	if strings.Contains(body, "Contract Acme") || strings.Contains(body, "/d-id/bestand") {
		t.Fatal("another client's document or a restricted file link is shown")
	}
	if !strings.Contains(body, `href="/overige/documenten/nieuw"`) {
		t.Fatal("no button document aanbieden for the client")
	}
	if h.docs.lists[len(h.docs.lists)-1] != DocumentKindDocument {
		t.Fatalf("listed kind %q", h.docs.lists)
	}

	// The intermediary sees the client column, and no upload button.
	h.loginAs(intermediaryActor, "nl")
	_, body = h.get("/overige/documenten")
	if !strings.Contains(body, `<th scope="col">Opdrachtgever</th>`) || strings.Contains(body, `href="/overige/documenten/nieuw"`) {
		t.Fatal("intermediary: no client column, or an upload button")
	}
	// A worker sees only their own.
	h.loginAs(workerActor, "nl")
	_, body = h.get("/overige/documenten")
	if rows := rowsOf(t, body, "documents"); len(rows) != 1 || !strings.HasPrefix(rows[0], "Arbeidsovereenkomst") {
		t.Fatalf("worker sees %v", rows)
	}
	if res, _ := h.get("/overige/documenten/d-id"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("worker opens another worker's ID copy: %d", res.StatusCode)
	}
}

type uploadForm struct {
	csrf, title, category, fileName, contentType string
	content                                      []byte
	noFile                                       bool
	extra                                        map[string]string // the back office's fields
}

func (f uploadForm) body() (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", f.csrf)
	_ = mw.WriteField("sleutel", "k1")
	_ = mw.WriteField("titel", f.title)
	_ = mw.WriteField("categorie", f.category)
	for k, v := range f.extra {
		_ = mw.WriteField(k, v)
	}
	if !f.noFile {
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "bestand", "filename": f.fileName}))
		hdr.Set("Content-Type", f.contentType)
		w, _ := mw.CreatePart(hdr)
		_, _ = w.Write(f.content)
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

// postBody posts body (a reader of unknown length is sent chunked).
func (h *harness) postBody(path, contentType string, body io.Reader) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	res, err := h.c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (h *harness) upload(f uploadForm) (*http.Response, string) {
	h.t.Helper()
	body, ct := f.body()
	return h.postBody("/overige/documenten", ct, body)
}

// onlyReader hides the length of a reader, so the request is chunked.
type onlyReader struct{ io.Reader }

func TestUploadDocument(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	page := "/overige/documenten/nieuw"
	_, body := h.get(page)
	for _, want := range []string{`enctype="multipart/form-data"`,
		"De maximum grootte van een document is 2Mb. Verklein eventueel plaatjes in een document om de grootte van het document te reduceren.",
		`<option value="id_copy">Kopie ID-bewijs</option>`, `<label for="bestand">`} {
		if !strings.Contains(body, want) {
			t.Fatalf("upload form lacks %q", want)
		}
	}
	tok := h.token(page)
	ok := uploadForm{csrf: tok, title: "Kopie ID-bewijs Sanne", category: DocumentCategoryIDCopy, fileName: "sanne.pdf",
		contentType: "application/pdf", content: []byte("%PDF-1.4 Sanne")}

	errorCases := []struct {
		name   string
		change func(*uploadForm)
		status int
		field  string
		msg    string
	}{
		{"no title", func(f *uploadForm) { f.title = "  " }, 422, "title", "Vul een titel in."},
		{"no file", func(f *uploadForm) { f.noFile = true }, 422, "file", "Kies een bestand."},
		{"empty file", func(f *uploadForm) { f.content = nil }, 422, "file", "Het bestand is leeg."},
		{"file one byte too large", func(f *uploadForm) { f.content = bytes.Repeat([]byte("a"), MaxDocumentSize+1) }, 413, "file", "Het bestand is groter dan 2Mb."},
		{"refused by the service", func(f *uploadForm) { f.fileName = "virus.exe" }, 400, "file", "Dit soort bestand wordt niet geaccepteerd."},
		{"unknown category", func(f *uploadForm) { f.category = "salaris" }, 422, "category", "Kies een soort document."},
	}
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			c.change(&f)
			res, body := h.upload(f)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, c.status, body)
			}
			if !regexp.MustCompile(`id="err-` + c.field + `">[^<]*` + regexp.QuoteMeta(c.msg)).MatchString(body) {
				t.Fatalf("no %q next to %s:\n%s", c.msg, c.field, body)
			}
			if c.field != "title" && !strings.Contains(body, `value="Kopie ID-bewijs Sanne"`) {
				t.Fatal("the title is not kept")
			}
		})
	}

	t.Run("body over the bound", func(t *testing.T) {
		before := len(h.docs.uploads)
		f := ok
		f.content = bytes.Repeat([]byte("a"), maxUploadBytes)
		for _, chunked := range []bool{false, true} {
			b, ct := f.body()
			var r io.Reader = b
			if chunked {
				r = onlyReader{b}
			}
			res, body := h.postBody("/overige/documenten", ct, r)
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Het bestand is groter dan 2Mb.") {
				t.Fatalf("chunked=%v: %d\n%s", chunked, res.StatusCode, body)
			}
		}
		if len(h.docs.uploads) != before {
			t.Fatal("a too large body reached the service")
		}
	})

	t.Run("bad CSRF", func(t *testing.T) {
		before := len(h.docs.uploads)
		f := ok
		f.csrf = "bm90IHRoZSB0b2tlbg"
		res, body := h.upload(f)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Dit formulier is verlopen") {
			t.Fatalf("bad token: %d", res.StatusCode)
		}
		if len(h.docs.uploads) != before {
			t.Fatal("a refused form reached the service")
		}
	})

	t.Run("multipart elsewhere", func(t *testing.T) {
		b, ct := ok.body()
		if res, _ := h.postBody("/plaatsingen/p1/weken/2026-W05/aanbieden", ct, b); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("multipart to another form: %d, want 400", res.StatusCode)
		}
	})

	t.Run("happy path", func(t *testing.T) {
		res, body := h.upload(ok)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", res.StatusCode, body)
		}
		loc := res.Header.Get("Location")
		if !strings.HasPrefix(loc, "/overige/documenten?") || !strings.Contains(loc, "na=") || !strings.Contains(loc, "ok=uploaded") {
			t.Fatalf("redirect to %q", loc)
		}
		got := h.docs.uploads[len(h.docs.uploads)-1]
		if got.Title != ok.title || got.Category != DocumentCategoryIDCopy || got.FileName != "sanne.pdf" ||
			got.ContentType != "application/pdf" || string(got.Content) != "%PDF-1.4 Sanne" {
			t.Fatalf("uploaded %+v", got)
		}
		waits := len(h.fake.waits)
		_, body = h.get(loc)
		if len(h.fake.waits) != waits+1 {
			t.Fatal("the list did not wait for the upload")
		}
		rows := rowsOf(t, body, "documents")
		if !strings.Contains(body, "Het document is aangeboden.") || len(rows) != 4 || !strings.HasPrefix(rows[0], "Kopie ID-bewijs Sanne") {
			t.Fatalf("after upload: %v", rows)
		}
	})

	t.Run("not for workers", func(t *testing.T) {
		h := newHarness(t)
		h.loginAs(workerActor, "nl")
		if res, _ := h.get(page); res.StatusCode != http.StatusForbidden {
			t.Fatalf("worker opens the upload form: %d", res.StatusCode)
		}
		f := ok
		f.csrf = h.token("/overige/documenten")
		if res, _ := h.upload(f); res.StatusCode != http.StatusForbidden || len(h.docs.uploads) != 0 {
			t.Fatalf("worker uploads: %d, %d calls", res.StatusCode, len(h.docs.uploads))
		}
	})

	t.Run("a client user has no back-office fields", func(t *testing.T) {
		h := newHarness(t)
		h.loginAs(clientActor, "nl")
		_, body := h.get(page)
		for _, field := range []string{`name="opdrachtgever"`, `name="soort"`, `name="factuurnummer"`, `name="bedrag"`} {
			if strings.Contains(body, field) {
				t.Fatalf("the client's form has %s", field)
			}
		}
		if _, body := h.get("/overige/facturen"); strings.Contains(body, `id="add-invoice"`) {
			t.Fatal("a client user may add invoices")
		}
		// Posted anyway: ignored, the document is the client's own.
		f := ok
		f.csrf = h.token(page)
		f.extra = map[string]string{"opdrachtgever": "acme", "soort": "invoice", "factuurnummer": "1", "factuurdatum": "2026-02-11", "bedrag": "1,00"}
		res, _ := h.upload(f)
		got := h.docs.uploads[len(h.docs.uploads)-1]
		if res.StatusCode != http.StatusSeeOther || got.ClientID != "" || got.Kind != DocumentKindDocument || got.Invoice != nil {
			t.Fatalf("client's upload with back-office fields: %d %+v", res.StatusCode, got)
		}
	})
}

func TestBackofficeUpload(t *testing.T) {
	h := newHarness(t)
	h.loginAs(backofficeActor, "nl")
	if _, body := h.get("/overige/documenten"); !strings.Contains(body, `href="/overige/documenten/nieuw"`) {
		t.Fatal("no upload button for the back office")
	}
	_, body := h.get("/overige/facturen")
	if !regexp.MustCompile(`href="/overige/documenten/nieuw\?soort=factuur" id="add-invoice">Factuur toevoegen</a>`).MatchString(body) {
		t.Fatalf("no button Factuur toevoegen:\n%s", body)
	}
	page := "/overige/documenten/nieuw?soort=factuur"
	_, body = h.get(page)
	for _, want := range []string{`<select id="opdrachtgever" name="opdrachtgever" required>`, `<option value="">Kies een opdrachtgever</option>`,
		`<option value="acme">Acme</option>`, `<option value="bol">Bakkerij Bol</option>`,
		`<option value="invoice" selected>Factuur</option>`, `id="factuurnummer"`, `id="factuurdatum" name="factuurdatum" type="date"`,
		`id="bedrag" name="bedrag"`, `href="/overige/facturen" aria-current="page"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("invoice form lacks %q:\n%s", want, body)
		}
	}
	if _, body := h.get("/overige/documenten/nieuw"); !strings.Contains(body, `<option value="document" selected>Document</option>`) {
		t.Fatal("the document kind is not preselected")
	}
	tok := h.token(page)
	invoice := func(change func(map[string]string)) uploadForm {
		f := uploadForm{csrf: tok, title: "Factuur 2026-0042", category: DocumentCategoryGeneral, fileName: "f.pdf",
			contentType: "application/pdf", content: []byte("%PDF-1.4 f"),
			extra: map[string]string{"opdrachtgever": "acme", "soort": "invoice", "factuurnummer": "2026-0042",
				"factuurdatum": "2026-02-11", "bedrag": "1.234,56"}}
		if change != nil {
			change(f.extra)
		}
		return f
	}

	errorCases := []struct {
		name   string
		change func(map[string]string)
		status int
		field  string
		msg    string
	}{
		{"no client", func(m map[string]string) { m["opdrachtgever"] = "" }, 422, "client", "Kies een opdrachtgever."},
		{"unknown client", func(m map[string]string) { m["opdrachtgever"] = "nobody" }, 422, "client", "Er is geen opdrachtgever met deze identificatie."},
		{"bad kind", func(m map[string]string) { m["soort"] = "loonstrook" }, 422, "kind", "Kies document of factuur."},
		{"no number", func(m map[string]string) { m["factuurnummer"] = " " }, 422, "invoice.number", "Vul het factuurnummer in."},
		{"number refused by the service", func(m map[string]string) { m["factuurnummer"] = "DUBBEL" }, 400, "invoice.number", "Dit factuurnummer bestaat al."},
		{"no date", func(m map[string]string) { m["factuurdatum"] = "" }, 422, "invoice.date", "Vul een geldige factuurdatum in."},
		{"impossible date", func(m map[string]string) { m["factuurdatum"] = "2026-02-30" }, 422, "invoice.date", "Vul een geldige factuurdatum in."},
		{"no amount", func(m map[string]string) { m["bedrag"] = "" }, 422, "invoice.amount", "Vul het bedrag in."},
		{"amount in words", func(m map[string]string) { m["bedrag"] = "twaalf" }, 422, "invoice.amount", "Vul een geldig bedrag in, bijvoorbeeld 1.234,56."},
		{"amount with three decimals", func(m map[string]string) { m["bedrag"] = "12,345" }, 422, "invoice.amount", "Vul een geldig bedrag in"},
		{"amount with bad grouping", func(m map[string]string) { m["bedrag"] = "12.34.567,00" }, 422, "invoice.amount", "Vul een geldig bedrag in"},
	}
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			before := len(h.docs.uploads)
			f := invoice(c.change)
			res, body := h.upload(f)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, c.status, body)
			}
			if !regexp.MustCompile(`id="err-` + regexp.QuoteMeta(c.field) + `">[^<]*` + regexp.QuoteMeta(c.msg)).MatchString(body) {
				t.Fatalf("no %q next to %s:\n%s", c.msg, c.field, body)
			}
			if c.status == 422 && c.field != "client" && len(h.docs.uploads) != before {
				t.Fatal("a form with errors reached the service")
			}
			// The form keeps what was entered.
			if !strings.Contains(body, `value="`+f.extra["bedrag"]+`"`) || (f.extra["opdrachtgever"] == "acme" && !strings.Contains(body, `<option value="acme" selected>`)) {
				t.Fatalf("the entered values are not kept:\n%s", body)
			}
		})
	}

	amounts := []struct {
		in   string
		want int64
	}{{"1.234,56", 123456}, {"1234,56", 123456}, {"€ 1234", 123400}, {"12.50", 1250}, {"-250,00", -25000}, {"0,5", 50}}
	for _, a := range amounts {
		res, body := h.upload(invoice(func(m map[string]string) { m["bedrag"] = a.in }))
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/overige/facturen?") || !strings.Contains(loc, "na=") ||
			!strings.Contains(loc, "ok=invoice_added") {
			t.Fatalf("%s: %d %q\n%s", a.in, res.StatusCode, loc, body)
		}
		got := h.docs.uploads[len(h.docs.uploads)-1]
		want := Invoice{Number: "2026-0042", Date: time.Date(2026, 2, 11, 0, 0, 0, 0, time.UTC), AmountCents: a.want}
		if got.ClientID != "acme" || got.Kind != DocumentKindInvoice || got.Invoice == nil || *got.Invoice != want || got.Title != "Factuur 2026-0042" {
			t.Fatalf("%s: uploaded %+v %+v", a.in, got, got.Invoice)
		}
	}
	_, body = h.get("/overige/facturen?ok=invoice_added")
	if !strings.Contains(body, "De factuur is toegevoegd.") || !strings.Contains(body, "-€ 250,00") && !strings.Contains(body, "€ -250,00") {
		t.Fatalf("invoice list after adding:\n%s", body)
	}

	// A document: the invoice fields are left out.
	f := invoice(func(m map[string]string) { m["soort"] = "document"; m["bedrag"] = "onzin" })
	res, _ := h.upload(f)
	got := h.docs.uploads[len(h.docs.uploads)-1]
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=document_added") ||
		got.Kind != DocumentKindDocument || got.Invoice != nil || got.ClientID != "acme" {
		t.Fatalf("back office document: %d %q %+v", res.StatusCode, res.Header.Get("Location"), got)
	}
}

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1.234,56", 123456, true}, {"1234,56", 123456, true}, {"1234", 123400, true}, {"1.234", 123400, true},
		{"1.234.567,8", 123456780, true}, {"€ 12,5", 1250, true}, {"€12,50", 1250, true}, {"12.50", 1250, true},
		{"0,01", 1, true}, {"-250,00", -25000, true}, {"- 1,00", -100, true}, {"1000000000", 100000000000, true},
		{"", 0, false}, {",50", 0, false}, {"12,", 0, false}, {"12,345", 0, false}, {"1.23,00", 0, false},
		{"1234.567,00", 0, false}, {".123", 0, false}, {"1,234.56", 0, false}, {"12.5.0", 0, false}, {"+5", 0, false},
		{"--5", 0, false}, {"1 234,00", 0, false}, {"1e3", 0, false}, {"1000000001", 0, false}, {"99999999999999999999", 0, false},
		{"١٢", 0, false},
	} {
		got, ok := parseAmount(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRequestSignature(t *testing.T) {
	h := newHarness(t)
	h.loginAs(backofficeActor, "nl")
	// Open, signed, ID copy, invoice: no form.
	for _, id := range []string{"d-contract", "d-instructies", "d-id", "i-0012"} {
		if _, body := h.get("/overige/documenten/" + id); strings.Contains(body, `id="request-signature"`) {
			t.Errorf("%s offers a signature request", id)
		}
	}
	if _, body := h.get("/overige/documenten/d-acme"); !strings.Contains(body, `id="no-signers">Deze opdrachtgever heeft geen actieve gebruikers.`) ||
		strings.Contains(body, `id="request-form"`) {
		t.Fatalf("a client without users:\n%s", body)
	}
	// The open request expires: the back office can ask again.
	h.docs.mu.Lock()
	h.docs.docs[0].expired = true
	h.docs.mu.Unlock()
	page := "/overige/documenten/d-contract"
	action := page + "/handtekening"
	_, body := h.get(page)
	for _, want := range []string{`<h2 id="req-h">Handtekening vragen</h2>`, `<form method="post" action="` + action + `"`,
		`<option value="acc-client">Els Bol (klant@bakkerijbol.nl)</option>`, `<option value="acc-client-2">kees@bakkerijbol.nl</option>`,
		`id="request-submit">Handtekening vragen</button>`} {
		if !strings.Contains(body, want) {
			t.Fatalf("request form lacks %q:\n%s", want, body)
		}
	}

	res, body := h.post(action, url.Values{"csrf": {h.token(page)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-signer">Kies een ondertekenaar.`) || len(h.docs.requests) != 0 {
		t.Fatalf("without a signer: %d %d\n%s", res.StatusCode, len(h.docs.requests), body)
	}
	res, body = h.post(action, url.Values{"csrf": {h.token(page)}, "ondertekenaar": {"acc-other"}})
	if res.StatusCode < 400 || !strings.Contains(body, `id="err-signer">De ondertekenaar moet een actieve gebruiker`) {
		t.Fatalf("a signer of another client: %d\n%s", res.StatusCode, body)
	}
	before := len(h.docs.requests)
	if res, _ := h.post(action, url.Values{"csrf": {"bm90IHRoZSB0b2tlbg"}, "ondertekenaar": {"acc-client"}}); res.StatusCode != http.StatusForbidden ||
		len(h.docs.requests) != before {
		t.Fatalf("bad CSRF: %d", res.StatusCode)
	}

	res, _ = h.post(action, url.Values{"csrf": {h.token(page)}, "sleutel": {"k2"}, "ondertekenaar": {"acc-client"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?") || !strings.Contains(loc, "na=") || !strings.Contains(loc, "ok=signature_requested") {
		t.Fatalf("request: %d %q", res.StatusCode, loc)
	}
	if got := h.docs.requests[len(h.docs.requests)-1]; got != "acc-client" {
		t.Fatalf("asked %q", got)
	}
	waits := len(h.fake.waits)
	_, body = h.get(loc)
	if len(h.fake.waits) != waits+1 || !strings.Contains(body, "Het verzoek is verstuurd.") || !strings.Contains(body, "✎</span> Ter ondertekening") ||
		strings.Contains(body, `id="request-form"`) {
		t.Fatalf("after the request:\n%s", body)
	}
	// Asked again while open: the port refuses, the page says why.
	res, body = h.post(action, url.Values{"csrf": {h.token(page)}, "ondertekenaar": {"acc-client"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="form-error"`) || !strings.Contains(body, "Er staat al een verzoek tot ondertekening open") {
		t.Fatalf("second request: %d\n%s", res.StatusCode, body)
	}

	h.loginAs(backofficeActor, "en")
	if _, body := h.get("/overige/documenten/d-acme"); !strings.Contains(body, "Ask for a signature") || !strings.Contains(body, "This client has no active users.") {
		t.Fatal("English request section")
	}
}

// TestRequestSignatureNotForOthers: nobody but the back office sees the
// form, and a POST by anyone else is refused by the port.
func TestRequestSignatureNotForOthers(t *testing.T) {
	h := newHarness(t)
	h.docs.mu.Lock()
	h.docs.docs[0].expired = true // the back office could ask again
	h.docs.mu.Unlock()
	for _, c := range []struct {
		actor  domain.Actor
		status int
	}{{clientActor, http.StatusForbidden}, {intermediaryActor, http.StatusForbidden}, {workerActor, http.StatusForbidden}} {
		h.loginAs(c.actor, "nl")
		if _, body := h.get("/overige/documenten/d-contract"); strings.Contains(body, `id="request-signature"`) {
			t.Errorf("%s sees the request form", c.actor.Role)
		}
		before := len(h.docs.requests)
		res, _ := h.post("/overige/documenten/d-contract/handtekening", url.Values{"csrf": {h.token("/")}, "ondertekenaar": {clientActor.AccountID}})
		if res.StatusCode != c.status || len(h.docs.requests) != before+1 {
			t.Errorf("%s: POST = %d, want %d from the port", c.actor.Role, res.StatusCode, c.status)
		}
	}
	// Outside the scope: not found.
	h.loginAs(clientActor, "nl")
	if res, _ := h.post("/overige/documenten/d-acme/handtekening", url.Values{"csrf": {h.token("/")}, "ondertekenaar": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another client's document: %d", res.StatusCode)
	}
	if h.docs.byStatus(SignatureRequested) != 1 || h.docs.docs[0].signer != clientActor.AccountID {
		t.Fatal("a refused request changed the document")
	}
}

func TestDocumentFile(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	cases := []struct {
		path, contentType, disposition, csp string
		body                                string
	}{
		{"/overige/documenten/d-contract/bestand", "application/pdf", `inline; filename=arbeidsovereenkomst.pdf`, pdfFileCSP, "%PDF-1.4 fake\n"},
		{"/overige/documenten/d-contract/bestand?download=1", "application/octet-stream", `attachment; filename=arbeidsovereenkomst.pdf`, fileCSP, "%PDF-1.4 fake\n"},
		{"/overige/documenten/d-instructies/bestand", "application/octet-stream", `attachment; filename=werkinstructies.docx`, fileCSP, "PK fake docx"},
	}
	for _, c := range cases {
		res, body := h.get(c.path)
		if res.StatusCode != http.StatusOK || body != c.body {
			t.Fatalf("%s: %d %q", c.path, res.StatusCode, body)
		}
		for k, want := range map[string]string{"Content-Type": c.contentType, "Content-Disposition": c.disposition,
			"Content-Security-Policy": c.csp, "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", c.path, k, got, want)
			}
		}
	}
	if !strings.HasSuffix(fileCSP, "; sandbox") || strings.Contains(pdfFileCSP, "script-src") {
		t.Fatal("file policies changed")
	}
	// An ID copy is never served to the client, even by guessing the URL.
	if res, body := h.get("/overige/documenten/d-id/bestand"); res.StatusCode != http.StatusForbidden || strings.Contains(body, "fake jpeg") {
		t.Fatalf("restricted file: %d", res.StatusCode)
	}
	if _, body := h.get("/overige/documenten/d-id"); strings.Contains(body, "/bestand") || !strings.Contains(body, `id="restricted"`) {
		t.Fatal("the restricted document's page links its file")
	}
	if res, _ := h.get("/overige/documenten/d-acme/bestand"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another client's file: %d", res.StatusCode)
	}
	// The back office may open it, inline, sandboxed.
	h.loginAs(backofficeActor, "nl")
	res, _ := h.get("/overige/documenten/d-id/bestand")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" ||
		res.Header.Get("Content-Security-Policy") != fileCSP || res.Header.Get("Content-Disposition") != `inline; filename="id piet.jpg"` {
		t.Fatalf("back office ID copy: %d %v", res.StatusCode, res.Header)
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"factuur.pdf":                     "factuur.pdf",
		`C:\Users\els\loon strook.pdf`:    "loon strook.pdf",
		"../../etc/passwd":                "passwd",
		"a\"b;c\r\nd.pdf":                 "a_b_c__d.pdf",
		"rapport\u202egpj.exe":            "rapport_gpj.exe",
		"...":                             "document",
		"":                                "document",
		strings.Repeat("x", 150) + ".pdf": strings.Repeat("x", 96) + ".pdf",
		"überweisung.pdf":                 "überweisung.pdf",
	} {
		if got := safeFileName(in); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
	// Non-ASCII names survive the header, encoded.
	cd := mime.FormatMediaType("attachment", map[string]string{"filename": safeFileName("überweisung.pdf")})
	if _, params, err := mime.ParseMediaType(cd); err != nil || params["filename"] != "überweisung.pdf" {
		t.Fatalf("%q: %v %v", cd, params, err)
	}
}

func TestSigning(t *testing.T) {
	h := newHarness(t)
	page := "/documenten/d-contract/ondertekenen"

	// The e-mail link: log in first, then back to the signing screen.
	res, _ := h.get(page)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/inloggen?terug="+url.QueryEscape(page) {
		t.Fatalf("anonymous: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := h.get(res.Header.Get("Location"))
	if !strings.Contains(body, `name="terug" value="`+page+`"`) {
		t.Fatal("the login form does not carry the way back")
	}
	res, _ = h.post("/inloggen", url.Values{"csrf": {h.token("/inloggen")}, "email": {"klant@bakkerijbol.nl"},
		"password": {"geheim wachtwoord 1"}, "terug": {page}})
	if res.Header.Get("Location") != page {
		t.Fatalf("after login to %q", res.Header.Get("Location"))
	}

	_, body = h.get(page)
	// Manual §5.2: view link, TAN, remark, "gelezen", Akkoord / Niet akkoord, in that order.
	last := -1
	for _, want := range []string{`href="/overige/documenten/d-contract/bestand"`, `<label for="tan">`, `<label for="opmerking">`,
		`<label for="gelezen">Ik heb het document gelezen</label>`, `value="akkoord"`, `>Akkoord</button>`, `value="niet-akkoord"`, `>Niet akkoord</button>`} {
		i := strings.Index(body, want)
		if i < 0 || i < last {
			t.Fatalf("signing screen: %q missing or out of order", want)
		}
		last = i
	}
	form := func(tan string, read bool, decision string) url.Values {
		f := url.Values{"csrf": {h.token(page)}, "tan": {tan}, "opmerking": {"Graag een kopie per post."}, "besluit": {decision}}
		if read {
			f.Set("gelezen", "1")
		}
		return f
	}

	res, body = h.post(page, form("KLMN", false, "akkoord"))
	if res.StatusCode != http.StatusUnprocessableEntity || !regexp.MustCompile(`id="err-read">Vink aan`).MatchString(body) {
		t.Fatalf("without gelezen: %d\n%s", res.StatusCode, body)
	}
	if len(h.docs.signs) != 0 {
		t.Fatal("signed without the read confirmation")
	}
	if !strings.Contains(body, "Graag een kopie per post.") {
		t.Fatal("the remark is not kept")
	}

	res, body = h.post(page, form("ABCD", true, "akkoord"))
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-tan">De verificatiecode is onjuist.`).MatchString(body) {
		t.Fatalf("wrong TAN: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `id="gelezen" name="gelezen" type="checkbox" value="1" checked`) {
		t.Fatal("the read checkbox is not kept")
	}

	res, _ = h.post(page, form("klmn", true, "akkoord"))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/overige/documenten/d-contract?") || !strings.Contains(loc, "ok=signed") {
		t.Fatalf("sign: %d %q", res.StatusCode, loc)
	}
	if s := h.docs.signs[len(h.docs.signs)-1]; s.TAN != "klmn" || !s.ReadConfirmed || s.Remark != "Graag een kopie per post." {
		t.Fatalf("Sign got %+v", s)
	}
	_, body = h.get(loc)
	if !regexp.MustCompile(`id="signature-status">Status: <span class="status st-sig-signed"><span aria-hidden="true">✓</span> Ondertekend`).MatchString(body) ||
		!strings.Contains(body, "U heeft het document ondertekend.") {
		t.Fatalf("document page after signing:\n%s", body)
	}
	// Decided: the screen says so, without a form.
	if _, body = h.get(page); strings.Contains(body, `id="sign-form"`) || !strings.Contains(body, `id="decided"`) {
		t.Fatal("the signing screen still offers the form")
	}
}

func TestSigningDeclineAndBlock(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	page := "/documenten/d-contract/ondertekenen"
	// Niet akkoord needs no read confirmation.
	res, _ := h.post(page, url.Values{"csrf": {h.token(page)}, "tan": {"KLMN"}, "besluit": {"niet-akkoord"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=declined") || len(h.docs.declines) != 1 {
		t.Fatalf("decline: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "✗</span> Niet akkoord") {
		t.Fatal("declined state not shown")
	}

	h = newHarness(t)
	h.loginAs(clientActor, "nl")
	var body string
	for range maxWrongTANs {
		res, body = h.post(page, url.Values{"csrf": {h.token(page)}, "tan": {"XXXX"}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	}
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `id="blocked"`) || strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("blocked: %d\n%s", res.StatusCode, body)
	}
	if _, body = h.get("/overige/documenten/d-contract"); !strings.Contains(body, `id="blocked"`) || strings.Contains(body, `id="sign-link"`) {
		t.Fatal("the document page does not show the block")
	}
}

// TestSigningExpired: the link of an expired request tells the signer so,
// instead of "not found", and neither page offers the form.
func TestSigningExpired(t *testing.T) {
	page := "/documenten/d-contract/ondertekenen"
	for lang, msg := range map[string]string{
		"nl": "Dit verzoek is verlopen; vraag Backofficebureau om een nieuw verzoek.",
		"en": "This request has expired; ask Backofficebureau for a new request.",
	} {
		h := newHarness(t)
		h.docs.mu.Lock()
		h.docs.docs[0].expired = true
		h.docs.mu.Unlock()
		h.loginAs(clientActor, lang)
		res, body := h.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="expired"`) || !strings.Contains(body, msg) ||
			strings.Contains(body, `id="sign-form"`) {
			t.Fatalf("%s: signing screen of an expired request: %d\n%s", lang, res.StatusCode, body)
		}
		res, body = h.post(page, url.Values{"csrf": {h.token(page)}, "tan": {"KLMN"}, "gelezen": {"1"}, "besluit": {"akkoord"}})
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusSeeOther || !strings.Contains(body, msg) ||
			strings.Contains(body, `id="sign-form"`) {
			t.Fatalf("%s: signing an expired request: %d\n%s", lang, res.StatusCode, body)
		}
		if h.docs.byStatus(SignatureSigned) != 1 {
			t.Fatalf("%s: an expired request was signed", lang)
		}
		_, body = h.get("/overige/documenten/d-contract")
		if !strings.Contains(body, `id="expired"`) || !strings.Contains(body, msg) || strings.Contains(body, `id="sign-link"`) {
			t.Fatalf("%s: document page of an expired request:\n%s", lang, body)
		}
	}
}

func TestSigningOnlyForTheSigner(t *testing.T) {
	h := newHarness(t)
	page := "/documenten/d-contract/ondertekenen"
	for _, a := range []domain.Actor{intermediaryActor, workerActor, backofficeActor} {
		h.loginAs(a, "nl")
		if res, _ := h.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: GET = %d, want 404", a.Role, res.StatusCode)
		}
		res, _ := h.post(page, url.Values{"csrf": {h.token("/")}, "tan": {"KLMN"}, "gelezen": {"1"}, "besluit": {"akkoord"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: POST = %d, want 404", a.Role, res.StatusCode)
		}
		if _, body := h.get("/overige/documenten/d-contract"); strings.Contains(body, `id="sign-link"`) {
			t.Errorf("%s: the document page offers signing", a.Role)
		}
	}
	if len(h.docs.signs) != 3 || h.docs.byStatus(SignatureSigned) != 1 {
		t.Fatalf("signs %d", len(h.docs.signs))
	}
}

func (d *fakeDocuments) byStatus(status string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, doc := range d.docs {
		if doc.Signature == status {
			n++
		}
	}
	return n
}

func TestInvoices(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	_, body := h.get("/overige/facturen")
	rows := rowsOf(t, body, "invoices")
	if len(rows) != 1 || rows[0] != "2026-0012 02-02-2026 € 1.234,56 Downloaden Factuur 2026-0012" {
		t.Fatalf("invoices %q", rows)
	}
	if !strings.Contains(body, `href="/overige/documenten/i-0012/bestand?download=1"`) || h.docs.lists[0] != DocumentKindInvoice {
		t.Fatal("no download link, or the wrong kind listed")
	}
	h.loginAs(clientActor, "en")
	if _, body = h.get("/overige/facturen"); !strings.Contains(body, "€1,234.56") {
		t.Fatal("English amount")
	}
}

func TestFormatEuro(t *testing.T) {
	for _, c := range []struct {
		cents  int64
		nl, en string
	}{
		{0, "€ 0,00", "€0.00"}, {5, "€ 0,05", "€0.05"}, {1250, "€ 12,50", "€12.50"}, {123456, "€ 1.234,56", "€1,234.56"},
		{100000000, "€ 1.000.000,00", "€1,000,000.00"}, {-123456, "€ -1.234,56", "-€1,234.56"},
	} {
		if got := formatEuro("nl", c.cents); got != c.nl {
			t.Errorf("nl %d: %q, want %q", c.cents, got, c.nl)
		}
		if got := formatEuro("en", c.cents); got != c.en {
			t.Errorf("en %d: %q, want %q", c.cents, got, c.en)
		}
	}
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1024: "1 kB", 250_000: "244 kB", 1_572_864: "1,5 MB", MaxDocumentSize: "2 MB", 2_200_000: "2,1 MB"} {
		if got := formatSize("nl", n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDefaultReportRange(t *testing.T) {
	ams := timesheet.Location()
	for _, c := range []struct {
		now      time.Time
		from, to string
	}{
		{fakeNow, "2026-W03", "2026-W06"},
		// Monday 00:30 in Amsterdam is still Sunday in UTC: the new week has begun.
		{time.Date(2026, 1, 4, 23, 30, 0, 0, time.UTC), "2025-W50", "2026-W01"},
		{time.Date(2026, 1, 4, 22, 30, 0, 0, time.UTC), "2025-W49", "2025-W52"},
		{time.Date(2021, 1, 10, 12, 0, 0, 0, ams), "2020-W50", "2020-W53"},
	} {
		from, to := defaultReportRange(c.now)
		if from.String() != c.from || to.String() != c.to {
			t.Errorf("%s: %s..%s, want %s..%s", c.now, from, to, c.from, c.to)
		}
	}
}

func TestHoursReport(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	_, body := h.get("/overige/urenrapport")
	if got := h.reps.calls; len(got) != 1 || got[0][0] != wk(3) || got[0][1] != wk(6) {
		t.Fatalf("default range %v, want the last 4 complete weeks 3..6", got)
	}
	if !strings.Contains(body, `id="van" name="van" type="week" required value="2026-W03"`) || !strings.Contains(body, `value="2026-W06"`) {
		t.Fatal("the form does not show the default weeks")
	}
	if !strings.Contains(body, `id="report-empty"`) {
		t.Fatal("weeks 3..6 have no approved hours; want the empty message")
	}

	_, body = h.get("/overige/urenrapport?van=2026-W01&tot=2026-W06")
	rows := rowsOf(t, body, "report")
	want := []string{"Jan de Vries week 1 (2026) ⇪ Geïmporteerd 35,5 35,5 € 0,00", "Jan de Vries week 2 (2026) ✓ Geaccordeerd 35,5 35,5 € 0,00"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Fatalf("rows\n got %q\nwant %q", rows, want)
	}
	if !strings.Contains(body, `<th scope="col" class="num">Normale uren <span class="muted">100%</span></th>`) ||
		!regexp.MustCompile(`id="report-total"><strong>71</strong>`).MatchString(body) {
		t.Fatalf("columns or total:\n%s", body)
	}
	csvLink := `href="/overige/urenrapport?formaat=csv&amp;tot=2026-W06&amp;van=2026-W01"`
	if !strings.Contains(body, csvLink) {
		t.Fatalf("no CSV link %s", csvLink)
	}

	for _, c := range []struct{ query, field, msg string }{
		{"van=2026-W60&tot=2026-W06", "from", "Vul een geldige week in"},
		{"van=2026-W06&tot=week", "to", "Vul een geldige week in"},
		{"van=2026-W06&tot=2026-W01", "to", "De laatste week ligt vóór de eerste week."},
		{"van=2024-W01&tot=2026-W06", "to", "Kies hoogstens 53 weken."},
	} {
		res, body := h.get("/overige/urenrapport?" + c.query)
		if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-`+c.field+`">`+regexp.QuoteMeta(c.msg)).MatchString(body) {
			t.Errorf("%s: %d, no %q at %s", c.query, res.StatusCode, c.msg, c.field)
		}
	}
}

func TestHoursReportCSV(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	res, body := h.get("/overige/urenrapport?van=2026-W01&tot=2026-W06&formaat=csv")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "urenrapport-2026-W01-2026-W06.csv") {
		t.Fatalf("CSV: %d %v", res.StatusCode, res.Header)
	}
	want := "\ufeffWerknemer;Opdrachtgever;Week;Status;Normale uren;Totaal;Onkosten\r\n" +
		"Jan de Vries;Bakkerij Bol;2026-W01;Geïmporteerd;35,5;35,5;0,00\r\n" +
		"Jan de Vries;Bakkerij Bol;2026-W02;Geaccordeerd;35,5;35,5;0,00\r\n"
	if body != want {
		t.Fatalf("CSV\n got %q\nwant %q", body, want)
	}
}

// TestEveryOtherPageRenders renders the document screens in Dutch and
// English (the other screens: TestEveryPageRenders on the real app).
func TestEveryOtherPageRenders(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			u, _ := url.Parse(h.srv.URL)
			h.c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
			check := func(path string) {
				t.Helper()
				res, body := h.get(path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
				}
				assertPage(t, path, res, body, lang)
			}
			h.loginAs(clientActor, lang)
			for _, p := range []string{"/overige/facturen", "/overige/documenten", "/overige/documenten/nieuw", "/overige/documenten/d-contract",
				"/overige/documenten/d-id", "/overige/documenten/d-instructies", "/overige/documenten/i-0012",
				"/documenten/d-contract/ondertekenen"} {
				check(p)
			}
			h.loginAs(intermediaryActor, lang)
			check("/overige/documenten")
			check("/overige/facturen")
			h.loginAs(backofficeActor, lang)
			check("/overige/documenten")
			check("/overige/documenten/d-id")
			check("/overige/facturen")
			check("/overige/documenten/nieuw")
			check("/overige/documenten/nieuw?soort=factuur")
			check("/overige/documenten/d-acme") // no signers
			h.docs.mu.Lock()
			h.docs.docs[0].expired = true // the request form with its signers
			h.docs.mu.Unlock()
			check("/overige/documenten/d-contract")
		})
	}
}
