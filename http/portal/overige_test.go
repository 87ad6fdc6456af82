package portal_test

import (
	"bytes"
	"context"
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

	doccmd "backoffice/commands/document"
	"backoffice/domain/document"
	"backoffice/http/portal"
	rmdocuments "backoffice/readmodel/documents"
)

// Tests of the tab "Overige": documents, upload, files, signing, invoices
// and the hours report, on the real application (app_test.go).

func TestOtherTab(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
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
}

// TestOtherTabWithoutDocuments: a portal built without the document
// commands (Deps.Documents nil) has the tab "Overige" with the hours report
// only: no links to documents or invoices, and their pages do not exist.
func TestOtherTabWithoutDocuments(t *testing.T) {
	h := newHarnessWith(t, newFixture(t), func(d *portal.Deps) { d.Documents, d.DocumentQueries = nil, nil })
	h.loginAs(clientEmail, "nl")
	_, body := h.get("/")
	if !strings.Contains(body, `<a href="/overige">Overige</a>`) {
		t.Fatal("no tab Overige with the hours report")
	}
	if res, _ := h.get("/overige"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/overige/urenrapport" {
		t.Fatalf("/overige goes to %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = h.get("/overige/urenrapport")
	if strings.Contains(body, `href="/overige/documenten"`) || strings.Contains(body, `href="/overige/facturen"`) {
		t.Fatal("sub-navigation links documents without the document commands")
	}
	for _, p := range []string{"/overige/documenten", "/overige/facturen", "/documenten/" + h.doc(docContract) + "/ondertekenen"} {
		if res, _ := h.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s without the document commands: %d, want 404", p, res.StatusCode)
		}
	}
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

// documents lists the stored documents of a kind ("" for all), as the back
// office sees them in the read model.
func (h *harness) documents(kind string) []rmdocuments.Row {
	h.t.Helper()
	q, err := rmdocuments.NewQueries(h.Pool, h.Clock.Now, doccmd.Stored{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.WaitForProjections(h.t)
	rows, err := q.List(context.Background(), h.accounts[boEmail], kind)
	if err != nil {
		h.t.Fatal(err)
	}
	return rows
}

// stored is the one stored document that matches (a zero Row when none).
func (h *harness) stored(match func(rmdocuments.Row) bool) rmdocuments.Row {
	h.t.Helper()
	var found []rmdocuments.Row
	for _, r := range h.documents("") {
		if match(r) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		h.t.Fatalf("%d stored documents match, want 1", len(found))
	}
	return found[0]
}

// document reads one document from the read model (as the back office).
func (h *harness) document(name string) rmdocuments.Detail {
	h.t.Helper()
	q, err := rmdocuments.NewQueries(h.Pool, h.Clock.Now, doccmd.Stored{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.WaitForProjections(h.t)
	d, err := q.Document(context.Background(), h.accounts[boEmail], h.doc(name))
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func TestDocumentsList(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/overige/documenten")
	rows := rowsOf(t, body, "documents")
	if len(rows) != 3 {
		t.Fatalf("client sees %d documents, want 3 (no invoices, not the other client's):\n%v", len(rows), rows)
	}
	for i, want := range []string{
		"Arbeidsovereenkomst Jan de Vries Jan de Vries arbeidsovereenkomst.pdf 14 bytes 09-02-2026 Backofficebureau Digitaal ✎ Ter ondertekening",
		"Kopie ID-bewijs Piet Jansen Kopie ID-bewijs Piet Jansen ⚠ Alleen in te zien door de backoffice en de werknemer id piet.jpg 244 kB 08-02-2026 opdrachtgever",
		"Werkinstructies werkinstructies.txt 1,5 MB 05-02-2026 Backofficebureau Digitaal ✓ Ondertekend",
	} {
		if rows[i] != want {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want)
		}
	}
	if strings.Contains(body, "Contract Acme") || strings.Contains(body, "/"+h.doc(docIDCopy)+"/bestand") || strings.Contains(body, "Factuur 2026-0012") {
		t.Fatal("another client's document, an invoice or a restricted file link is shown")
	}
	if !strings.Contains(body, `href="/overige/documenten/nieuw"`) {
		t.Fatal("no button document aanbieden for the client")
	}

	// The intermediary sees the client column, and no upload button.
	h.loginAs(interEmail, "nl")
	_, body = h.get("/overige/documenten")
	if !strings.Contains(body, `<th scope="col">Opdrachtgever</th>`) || strings.Contains(body, `href="/overige/documenten/nieuw"`) {
		t.Fatal("intermediary: no client column, or an upload button")
	}
	// A worker sees only their own.
	h.loginAs(workerEmail, "nl")
	_, body = h.get("/overige/documenten")
	if rows := rowsOf(t, body, "documents"); len(rows) != 1 || !strings.HasPrefix(rows[0], "Arbeidsovereenkomst") {
		t.Fatalf("worker sees %v", rows)
	}
	if res, _ := h.get("/overige/documenten/" + h.doc(docIDCopy)); res.StatusCode != http.StatusNotFound {
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
	req, _ := http.NewRequest(http.MethodPost, h.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	return h.send(req)
}

// send sends req with the harness's client (its cookies) and reads the
// answer.
func (h *harness) send(req *http.Request) (*http.Response, string) {
	h.t.Helper()
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
	h := newHarnessAs(t, clientEmail)
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
	ok := uploadForm{csrf: tok, title: "Kopie ID-bewijs Sanne", category: portal.DocumentCategoryIDCopy, fileName: "sanne.pdf",
		contentType: "application/pdf", content: []byte("%PDF-1.4 Sanne")}
	stored := len(h.documents(""))

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
		{"file one byte too large", func(f *uploadForm) { f.content = bytes.Repeat([]byte("a"), portal.MaxDocumentSize+1) }, 413, "file", "Het bestand is groter dan 2Mb."},
		{"refused by the service", func(f *uploadForm) { f.fileName, f.content = "virus.exe", []byte("MZ\x90\x00\x03\x00\x00\x00") }, 415, "file",
			"Alleen PDF-, PNG-, JPEG-, GIF- en tekstbestanden kunnen worden aangeboden."},
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
		f := ok
		f.content = bytes.Repeat([]byte("a"), portal.MaxDocumentSize+64<<10)
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
	})

	t.Run("bad CSRF", func(t *testing.T) {
		f := ok
		f.csrf = "bm90IHRoZSB0b2tlbg"
		res, body := h.upload(f)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Dit formulier is verlopen") {
			t.Fatalf("bad token: %d", res.StatusCode)
		}
	})
	if n := len(h.documents("")); n != stored {
		t.Fatalf("refused forms stored %d documents", n-stored)
	}

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
		// The list after the redirect holds the upload (read-your-writes).
		_, body = h.get(loc)
		rows := rowsOf(t, body, "documents")
		if !strings.Contains(body, "Het document is aangeboden.") || len(rows) != 4 || !strings.HasPrefix(rows[0], "Kopie ID-bewijs Sanne") {
			t.Fatalf("after upload: %v", rows)
		}
		got := h.stored(func(r rmdocuments.Row) bool { return r.Title == ok.title })
		if got.Title != ok.title || got.Category != portal.DocumentCategoryIDCopy || got.FileName != "sanne.pdf" ||
			got.ContentType != "application/pdf" || got.Size != int64(len(ok.content)) || got.ClientID != "bol" {
			t.Fatalf("uploaded %+v", got)
		}
	})

	t.Run("not for workers", func(t *testing.T) {
		h := newHarnessOn(t, h.fixture)
		h.loginAs(workerEmail, "nl")
		if res, _ := h.get(page); res.StatusCode != http.StatusForbidden {
			t.Fatalf("worker opens the upload form: %d", res.StatusCode)
		}
		before := len(h.documents(""))
		f := ok
		f.csrf = h.token("/overige/documenten")
		if res, _ := h.upload(f); res.StatusCode != http.StatusForbidden || len(h.documents("")) != before {
			t.Fatalf("worker uploads: %d", res.StatusCode)
		}
	})

	t.Run("a client user has no back-office fields", func(t *testing.T) {
		h := newHarnessOn(t, h.fixture)
		h.loginAs(clientEmail, "nl")
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
		invoices := len(h.documents(string(document.KindInvoice)))
		f := ok
		f.title = "Met backofficevelden"
		f.csrf = h.token(page)
		f.extra = map[string]string{"opdrachtgever": "acme", "soort": "invoice", "factuurnummer": "1", "factuurdatum": "2026-02-11", "bedrag": "1,00"}
		res, _ := h.upload(f)
		got := h.stored(func(r rmdocuments.Row) bool { return r.Title == f.title })
		if res.StatusCode != http.StatusSeeOther || got.Title != f.title || got.ClientID != "bol" || got.Kind != string(document.KindDocument) ||
			got.Invoice != nil || len(h.documents(string(document.KindInvoice))) != invoices {
			t.Fatalf("client's upload with back-office fields: %d %+v", res.StatusCode, got)
		}
	})
}

func TestBackofficeUpload(t *testing.T) {
	h := newHarnessAs(t, boEmail)
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
		f := uploadForm{csrf: tok, title: "Factuur 2026-0042", category: portal.DocumentCategoryGeneral, fileName: "f.pdf",
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
		{"number refused by the service", func(m map[string]string) { m["factuurnummer"] = strings.Repeat("1", 51) }, 422, "invoice.number", "De tekst is te lang (maximaal 50 tekens)."},
		{"no date", func(m map[string]string) { m["factuurdatum"] = "" }, 422, "invoice.date", "Vul een geldige factuurdatum in."},
		{"impossible date", func(m map[string]string) { m["factuurdatum"] = "2026-02-30" }, 422, "invoice.date", "Vul een geldige factuurdatum in."},
		{"no amount", func(m map[string]string) { m["bedrag"] = "" }, 422, "invoice.amount", "Vul het bedrag in."},
		{"amount in words", func(m map[string]string) { m["bedrag"] = "twaalf" }, 422, "invoice.amount", "Vul een geldig bedrag in, bijvoorbeeld 1.234,56."},
		{"amount with three decimals", func(m map[string]string) { m["bedrag"] = "12,345" }, 422, "invoice.amount", "Vul een geldig bedrag in"},
		{"amount with bad grouping", func(m map[string]string) { m["bedrag"] = "12.34.567,00" }, 422, "invoice.amount", "Vul een geldig bedrag in"},
	}
	stored := len(h.documents(""))
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			f := invoice(c.change)
			res, body := h.upload(f)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, c.status, body)
			}
			if !regexp.MustCompile(`id="err-` + regexp.QuoteMeta(c.field) + `">[^<]*` + regexp.QuoteMeta(c.msg)).MatchString(body) {
				t.Fatalf("no %q next to %s:\n%s", c.msg, c.field, body)
			}
			// The form keeps what was entered.
			if !strings.Contains(body, `value="`+f.extra["bedrag"]+`"`) || (f.extra["opdrachtgever"] == "acme" && !strings.Contains(body, `<option value="acme" selected>`)) {
				t.Fatalf("the entered values are not kept:\n%s", body)
			}
		})
	}
	if n := len(h.documents("")); n != stored {
		t.Fatalf("forms with errors stored %d documents", n-stored)
	}

	amounts := []struct {
		in   string
		want int64
	}{{"1.234,56", 123456}, {"1234,56", 123456}, {"€ 1234", 123400}, {"12.50", 1250}, {"-250,00", -25000}, {"0,5", 50}}
	for i, a := range amounts {
		number := "2026-004" + string(rune('0'+i))
		res, body := h.upload(invoice(func(m map[string]string) { m["bedrag"] = a.in; m["factuurnummer"] = number }))
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/overige/facturen?") || !strings.Contains(loc, "na=") ||
			!strings.Contains(loc, "ok=invoice_added") {
			t.Fatalf("%s: %d %q\n%s", a.in, res.StatusCode, loc, body)
		}
		got := h.stored(func(r rmdocuments.Row) bool { return r.Invoice != nil && r.Invoice.Number == number })
		if got.ClientID != "acme" || got.Invoice == nil || got.Invoice.Number != number || got.Invoice.AmountCents != a.want ||
			!got.Invoice.DateValue().Equal(time.Date(2026, 2, 11, 0, 0, 0, 0, time.UTC)) || got.Title != "Factuur 2026-0042" {
			t.Fatalf("%s: uploaded %+v %+v", a.in, got, got.Invoice)
		}
	}
	// A number the client has already (any case): 409, at the field, the
	// form as entered; nothing stored.
	stored = len(h.documents(""))
	dup := invoice(func(m map[string]string) { m["factuurnummer"] = "2026-0040"; m["bedrag"] = "99,00" })
	res, body := h.upload(dup)
	if res.StatusCode != http.StatusConflict ||
		!regexp.MustCompile(`id="err-invoice.number">[^<]*Deze opdrachtgever heeft al een factuur met dit nummer.`).MatchString(body) ||
		!strings.Contains(body, `value="2026-0040"`) || !strings.Contains(body, `value="99,00"`) {
		t.Fatalf("a second invoice 2026-0040 of Acme: %d\n%s", res.StatusCode, body)
	}
	if n := len(h.documents("")); n != stored {
		t.Fatalf("a duplicate invoice number stored %d documents", n-stored)
	}
	_, body = h.get("/overige/facturen?ok=invoice_added")
	if !strings.Contains(body, "De factuur is toegevoegd.") || !strings.Contains(body, "-€ 250,00") && !strings.Contains(body, "€ -250,00") {
		t.Fatalf("invoice list after adding:\n%s", body)
	}

	// A document: the invoice fields are left out.
	f := invoice(func(m map[string]string) { m["soort"] = "document"; m["bedrag"] = "onzin" })
	f.title = "Document voor Acme"
	res, _ = h.upload(f)
	got := h.stored(func(r rmdocuments.Row) bool { return r.Title == f.title })
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=document_added") ||
		got.Title != f.title || got.Kind != string(document.KindDocument) || got.Invoice != nil || got.ClientID != "acme" {
		t.Fatalf("back office document: %d %q %+v", res.StatusCode, res.Header.Get("Location"), got)
	}
}

// expire moves the application's clock past the open signature requests.
func (h *harness) expire() { h.Clock.Set(now.Add(document.SignatureTTL + time.Hour)) }

func TestRequestSignature(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	// Open, signed, ID copy, invoice: no form.
	for _, name := range []string{docContract, docInstructions, docIDCopy, docInvoice12} {
		if _, body := h.get("/overige/documenten/" + h.doc(name)); strings.Contains(body, `id="request-signature"`) {
			t.Errorf("%s offers a signature request", name)
		}
	}
	if _, body := h.get("/overige/documenten/" + h.doc(docAcme)); !strings.Contains(body, `id="no-signers">Deze opdrachtgever heeft geen actieve gebruikers.`) ||
		strings.Contains(body, `id="request-form"`) {
		t.Fatalf("a client without users:\n%s", body)
	}
	// The open request expires: the back office can ask again.
	h.expire()
	h.loginAs(boEmail, "nl")
	els := h.accounts[clientEmail].AccountID
	page := "/overige/documenten/" + h.doc(docContract)
	action := page + "/handtekening"
	_, body := h.get(page)
	for _, want := range []string{`<h2 id="req-h">Handtekening vragen</h2>`, `<form method="post" action="` + action + `"`,
		`<option value="` + els + `">Els Bol (klant@bakkerijbol.nl)</option>`,
		`id="request-submit">Handtekening vragen</button>`} {
		if !strings.Contains(body, want) {
			t.Fatalf("request form lacks %q:\n%s", want, body)
		}
	}
	requestedAt := func() time.Time { return h.document(docContract).Request.RequestedAt }
	first := requestedAt()

	res, body := h.post(action, url.Values{"csrf": {h.token(page)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-signer">Kies een ondertekenaar.`) {
		t.Fatalf("without a signer: %d\n%s", res.StatusCode, body)
	}
	res, body = h.post(action, url.Values{"csrf": {h.token(page)}, "ondertekenaar": {h.accounts[acmeEmail].AccountID}})
	if res.StatusCode < 400 || !strings.Contains(body, `id="err-signer">De ondertekenaar moet een actieve gebruiker`) {
		t.Fatalf("a signer of another client: %d\n%s", res.StatusCode, body)
	}
	if res, _ := h.post(action, url.Values{"csrf": {"bm90IHRoZSB0b2tlbg"}, "ondertekenaar": {els}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("bad CSRF: %d", res.StatusCode)
	}
	if !requestedAt().Equal(first) {
		t.Fatal("a refused form made a new request")
	}

	res, _ = h.post(action, url.Values{"csrf": {h.token(page)}, "ondertekenaar": {els}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?") || !strings.Contains(loc, "na=") || !strings.Contains(loc, "ok=signature_requested") {
		t.Fatalf("request: %d %q", res.StatusCode, loc)
	}
	_, body = h.get(loc)
	if !strings.Contains(body, "Het verzoek is verstuurd.") || !strings.Contains(body, "✎</span> Ter ondertekening") ||
		strings.Contains(body, `id="request-form"`) {
		t.Fatalf("after the request:\n%s", body)
	}
	if d := h.document(docContract); d.Request == nil || d.Request.RequestedAt.Equal(first) || d.Request.Expired {
		t.Fatalf("no new request: %+v", d.Request)
	}
	// Asked again while open: the command refuses, the page says why.
	res, body = h.post(action, url.Values{"csrf": {h.token(page)}, "ondertekenaar": {els}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="form-error"`) || !strings.Contains(body, "Er staat al een verzoek tot ondertekening open") {
		t.Fatalf("second request: %d\n%s", res.StatusCode, body)
	}

	h.loginAs(boEmail, "en")
	if _, body := h.get("/overige/documenten/" + h.doc(docAcme)); !strings.Contains(body, "Ask for a signature") || !strings.Contains(body, "This client has no active users.") {
		t.Fatal("English request section")
	}
}

// TestRequestSignatureNotForOthers: nobody but the back office sees the
// form, and a POST by anyone else is refused by the command.
func TestRequestSignatureNotForOthers(t *testing.T) {
	h := newHarness(t)
	h.expire() // the back office could ask again
	before := h.document(docContract).Request.RequestedAt
	page := "/overige/documenten/" + h.doc(docContract)
	for _, email := range []string{clientEmail, interEmail, workerEmail} {
		h.loginAs(email, "nl")
		if _, body := h.get(page); strings.Contains(body, `id="request-signature"`) {
			t.Errorf("%s sees the request form", email)
		}
		res, _ := h.post(page+"/handtekening", url.Values{"csrf": {h.token("/")}, "ondertekenaar": {h.accounts[clientEmail].AccountID}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: POST = %d, want 403 from the command", email, res.StatusCode)
		}
	}
	// Outside the scope: not found.
	h.loginAs(clientEmail, "nl")
	if res, _ := h.post("/overige/documenten/"+h.doc(docAcme)+"/handtekening", url.Values{"csrf": {h.token("/")}, "ondertekenaar": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another client's document: %d", res.StatusCode)
	}
	if d := h.document(docContract); !d.Request.RequestedAt.Equal(before) || d.Request.Status != "requested" {
		t.Fatalf("a refused request changed the document: %+v", d.Request)
	}
}

func TestDocumentFile(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	contract, instructions := "/overige/documenten/"+h.doc(docContract), "/overige/documenten/"+h.doc(docInstructions)
	cases := []struct {
		path, contentType, disposition, csp string
		body                                []byte
	}{
		{contract + "/bestand", "application/pdf", `inline; filename=arbeidsovereenkomst.pdf`, portal.PDFFileCSP, contractPDF},
		{contract + "/bestand?download=1", "application/octet-stream", `attachment; filename=arbeidsovereenkomst.pdf`, portal.FileCSP, contractPDF},
		{instructions + "/bestand", "application/octet-stream", `attachment; filename=werkinstructies.txt`, portal.FileCSP, instructionsTxt},
	}
	for _, c := range cases {
		res, body := h.get(c.path)
		if res.StatusCode != http.StatusOK || body != string(c.body) {
			t.Fatalf("%s: %d, %d bytes", c.path, res.StatusCode, len(body))
		}
		for k, want := range map[string]string{"Content-Type": c.contentType, "Content-Disposition": c.disposition,
			"Content-Security-Policy": c.csp, "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", c.path, k, got, want)
			}
		}
	}
	// An ID copy is never served to the client, even by guessing the URL.
	idCopy := "/overige/documenten/" + h.doc(docIDCopy)
	if res, body := h.get(idCopy + "/bestand"); res.StatusCode != http.StatusForbidden || strings.Contains(body, "\xff\xd8\xff") {
		t.Fatalf("restricted file: %d", res.StatusCode)
	}
	if _, body := h.get(idCopy); strings.Contains(body, "/bestand") || !strings.Contains(body, `id="restricted"`) {
		t.Fatal("the restricted document's page links its file")
	}
	if res, _ := h.get("/overige/documenten/" + h.doc(docAcme) + "/bestand"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another client's file: %d", res.StatusCode)
	}
	// The back office may open it, inline, sandboxed.
	h.loginAs(boEmail, "nl")
	res, body := h.get(idCopy + "/bestand")
	if res.StatusCode != http.StatusOK || body != string(idCopyJPEG) || res.Header.Get("Content-Type") != "image/jpeg" ||
		res.Header.Get("Content-Security-Policy") != portal.FileCSP || res.Header.Get("Content-Disposition") != `inline; filename="id piet.jpg"` {
		t.Fatalf("back office ID copy: %d %v", res.StatusCode, res.Header)
	}
}

func TestSigning(t *testing.T) {
	h := newHarness(t)
	page := h.signLink(t, docContract)
	tan := h.tan(t, docContract)

	// The e-mail link: log in first, then back to the signing screen.
	res, _ := h.get(page)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/inloggen?terug="+url.QueryEscape(page) {
		t.Fatalf("anonymous: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := h.get(res.Header.Get("Location"))
	if !strings.Contains(body, `name="terug" value="`+page+`"`) {
		t.Fatal("the login form does not carry the way back")
	}
	res, _ = h.post("/inloggen", url.Values{"csrf": {h.token("/inloggen")}, "email": {clientEmail},
		"password": {password}, "terug": {page}})
	if res.Header.Get("Location") != page {
		t.Fatalf("after login to %q", res.Header.Get("Location"))
	}

	// Where the code went (document.tan_issued, projected right after the
	// mail was queued).
	const hint = `id="tan-hint">De code staat in de e-mail met de link, verstuurd aan k•••@bakkerijbol.nl.`
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, body = h.get(page); strings.Contains(body, hint) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen does not say where the code went:\n%s", body)
		}
	}
	// Manual §5.2: view link, TAN, remark, "gelezen", Akkoord / Niet akkoord, in that order.
	last := -1
	for _, want := range []string{`href="/overige/documenten/` + h.doc(docContract) + `/bestand"`, `<label for="tan">`, `<label for="opmerking">`,
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

	res, body = h.post(page, form(tan, false, "akkoord"))
	if res.StatusCode != http.StatusUnprocessableEntity || !regexp.MustCompile(`id="err-read">Vink aan`).MatchString(body) {
		t.Fatalf("without gelezen: %d\n%s", res.StatusCode, body)
	}
	if st := h.document(docContract).Request.Status; st != "requested" {
		t.Fatalf("signed without the read confirmation: %s", st)
	}
	if !strings.Contains(body, "Graag een kopie per post.") {
		t.Fatal("the remark is not kept")
	}

	res, body = h.post(page, form(wrongTAN(tan), true, "akkoord"))
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-tan">De verificatiecode is onjuist.`).MatchString(body) {
		t.Fatalf("wrong TAN: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `id="gelezen" name="gelezen" type="checkbox" value="1" checked`) {
		t.Fatal("the read checkbox is not kept")
	}

	res, _ = h.post(page, form(strings.ToLower(tan), true, "akkoord"))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/overige/documenten/"+h.doc(docContract)+"?") || !strings.Contains(loc, "ok=signed") {
		t.Fatalf("sign: %d %q", res.StatusCode, loc)
	}
	if r := h.document(docContract).Request; r.Status != "signed" || r.Remark != "Graag een kopie per post." {
		t.Fatalf("stored request %+v", r)
	}
	_, body = h.get(loc)
	if !regexp.MustCompile(`id="signature-status">Status: <span class="status st-sig-signed"><span aria-hidden="true">✓</span> Ondertekend`).MatchString(body) ||
		!strings.Contains(body, "U heeft het document ondertekend.") {
		t.Fatalf("document page after signing:\n%s", body)
	}
	// The remark is shown as the signer's, not with the form's label.
	if !strings.Contains(body, "<dt>Opmerking van de ondertekenaar</dt><dd>Graag een kopie per post.</dd>") {
		t.Fatalf("document page after signing lacks the signer's remark:\n%s", between(body, `id="signature-status"`, "</dl>"))
	}
	// Decided: the screen says so, without a form.
	if _, body = h.get(page); strings.Contains(body, `id="sign-form"`) || !strings.Contains(body, `id="decided"`) {
		t.Fatal("the signing screen still offers the form")
	}
}

// wrongTAN is a TAN that differs from tan (same alphabet).
func wrongTAN(tan string) string {
	if tan == "AAAA" {
		return "BBBB"
	}
	return "AAAA"
}

func TestSigningDeclineAndBlock(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	page := h.signLink(t, docContract)
	// Niet akkoord needs no read confirmation.
	res, _ := h.postOn(page, "", url.Values{"tan": {h.tan(t, docContract)}, "besluit": {"niet-akkoord"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=declined") || h.document(docContract).Request.Status != "declined" {
		t.Fatalf("decline: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "✗</span> Niet akkoord") {
		t.Fatal("declined state not shown")
	}

	h = newHarness(t)
	h.loginAs(clientEmail, "nl")
	page = h.signLink(t, docContract)
	wrong := wrongTAN(h.tan(t, docContract))
	var body string
	for range doccmd.MaxTANAttempts {
		res, body = h.postOn(page, "", url.Values{"tan": {wrong}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	}
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `id="blocked"`) || strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("blocked: %d\n%s", res.StatusCode, body)
	}
	if _, body = h.get("/overige/documenten/" + h.doc(docContract)); !strings.Contains(body, `id="blocked"`) || strings.Contains(body, `id="sign-link"`) {
		t.Fatal("the document page does not show the block")
	}
}

// TestSigningExpired: the link of an expired request tells the signer so,
// instead of "not found", and neither page offers the form.
func TestSigningExpired(t *testing.T) {
	for lang, msg := range map[string]string{
		"nl": "Dit verzoek is verlopen; vraag Backofficebureau om een nieuw verzoek.",
		"en": "This request has expired; ask Backofficebureau for a new request.",
	} {
		h := newHarness(t)
		page := h.signLink(t, docContract)
		tan := h.tan(t, docContract)
		h.expire()
		h.loginAs(clientEmail, lang)
		res, body := h.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="expired"`) || !strings.Contains(body, msg) ||
			strings.Contains(body, `id="sign-form"`) {
			t.Fatalf("%s: signing screen of an expired request: %d\n%s", lang, res.StatusCode, body)
		}
		res, body = h.postOn(page, "", url.Values{"tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}})
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusSeeOther || !strings.Contains(body, msg) ||
			strings.Contains(body, `id="sign-form"`) {
			t.Fatalf("%s: signing an expired request: %d\n%s", lang, res.StatusCode, body)
		}
		if st := h.document(docContract).Request.Status; st != "requested" {
			t.Fatalf("%s: an expired request was signed: %s", lang, st)
		}
		_, body = h.get("/overige/documenten/" + h.doc(docContract))
		if !strings.Contains(body, `id="expired"`) || !strings.Contains(body, msg) || strings.Contains(body, `id="sign-link"`) {
			t.Fatalf("%s: document page of an expired request:\n%s", lang, body)
		}
	}
}

// TestSigningOnlyForTheSigner: the mail's unique link opens the signing
// screen for the signer only: others who may see the document get 403
// with a clear message, others 404; without the token (or with a guessed
// one) there is no form.
func TestSigningOnlyForTheSigner(t *testing.T) {
	h := newHarness(t)
	page := h.signLink(t, docContract)
	tan := h.tan(t, docContract)
	for _, email := range []string{interEmail, workerEmail, boEmail} {
		h.loginAs(email, "nl")
		res, body := h.get(page)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "bestemd voor een andere gebruiker") || strings.Contains(body, `id="sign-form"`) {
			t.Errorf("%s: GET = %d, want 403\n%s", email, res.StatusCode, body)
		}
		res, _ = h.post(page, url.Values{"csrf": {h.token("/")}, "tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: POST = %d, want 403", email, res.StatusCode)
		}
		if _, body := h.get("/overige/documenten/" + h.doc(docContract)); strings.Contains(body, `id="sign-link"`) {
			t.Errorf("%s: the document page offers signing", email)
		}
	}
	if r := h.document(docContract).Request; r.Status != "requested" || r.Blocked {
		t.Fatalf("someone else's attempts changed the request: %+v", r)
	}
	h.loginAs(client2Email, "nl") // another client's user: the document does not exist
	if res, body := h.get(page); res.StatusCode != http.StatusNotFound || strings.Contains(body, `id="sign-form"`) {
		t.Errorf("another client's user: %d, want 404", res.StatusCode)
	}
	// The signer, without the link or with a guessed one.
	h.loginAs(clientEmail, "nl")
	bare := "/documenten/" + h.doc(docContract) + "/ondertekenen"
	if res, body := h.get(bare); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="need-link"`) || strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("without the token: %d\n%s", res.StatusCode, body)
	}
	if res, _ := h.post(bare, url.Values{"csrf": {h.token("/")}, "tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}}); res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST without the token: %d, want 405", res.StatusCode)
	}
	guessed := bare + "/" + strings.Repeat("A", 43)
	if res, body := h.get(guessed); res.StatusCode != http.StatusNotFound || strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("a guessed token: %d", res.StatusCode)
	}
	if res, body := h.get(page); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("the signer's link: %d\n%s", res.StatusCode, body)
	}
}

func TestInvoices(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/overige/facturen")
	rows := rowsOf(t, body, "invoices")
	if len(rows) != 1 || rows[0] != "2026-0012 02-02-2026 € 1.234,56 Downloaden Factuur 2026-0012" {
		t.Fatalf("invoices %q", rows)
	}
	if !strings.Contains(body, `href="/overige/documenten/`+h.doc(docInvoice12)+`/bestand?download=1"`) || strings.Contains(body, "Werkinstructies") {
		t.Fatal("no download link, or a document among the invoices")
	}
	h.loginAs(clientEmail, "en")
	if _, body = h.get("/overige/facturen"); !strings.Contains(body, "€1,234.56") {
		t.Fatal("English amount")
	}
}

func TestHoursReport(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/overige/urenrapport")
	// The default range is the last 4 complete weeks, 3..6.
	if !strings.Contains(body, `id="van" name="van" type="week" required value="2026-W03"`) || !strings.Contains(body, `value="2026-W06"`) {
		t.Fatal("the form does not show the default weeks")
	}
	if !strings.Contains(body, `id="report-empty"`) {
		t.Fatal("weeks 3..6 have no approved hours; want the empty message")
	}

	_, body = h.get("/overige/urenrapport?van=2026-W01&tot=2026-W06")
	rows := rowsOf(t, body, "report")
	want := []string{"Jan de Vries week 1 (2026) ⇪ Geïmporteerd 35,5 35,5 € 0,00 0", "Jan de Vries week 2 (2026) ✓ Geaccordeerd 35,5 35,5 € 0,00 0"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Fatalf("rows\n got %q\nwant %q", rows, want)
	}
	if !strings.Contains(body, `<th scope="col" class="num">Normale uren (100%)</th>`) ||
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
		{"van=2024-W01&tot=2026-W06", "to", "Het rapport beslaat hoogstens 53 weken."},
	} {
		res, body := h.get("/overige/urenrapport?" + c.query)
		if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-`+c.field+`">`+regexp.QuoteMeta(c.msg)).MatchString(body) {
			t.Errorf("%s: %d, no %q at %s", c.query, res.StatusCode, c.msg, c.field)
		}
	}
}

func TestHoursReportCSV(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	res, body := h.get("/overige/urenrapport?van=2026-W01&tot=2026-W06&formaat=csv")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "urenrapport-2026-W01-2026-W06.csv") {
		t.Fatalf("CSV: %d %v", res.StatusCode, res.Header)
	}
	want := "\ufeffWerknemer;Opdrachtgever;Week;Status;Normale uren;Totaal;Onkosten;Kilometers\r\n" +
		"Jan de Vries;Bakkerij Bol;2026-W01;Geïmporteerd;35,5;35,5;0,00;0\r\n" +
		"Jan de Vries;Bakkerij Bol;2026-W02;Geaccordeerd;35,5;35,5;0,00;0\r\n"
	if body != want {
		t.Fatalf("CSV\n got %q\nwant %q", body, want)
	}
}

// TestEveryOtherPageRenders renders the document screens in Dutch and
// English (the other screens: TestEveryPageRenders).
func TestEveryOtherPageRenders(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarnessOn(t, f)
			check := func(path string) { t.Helper(); h.checkPage(path, lang) }
			d := func(name string) string { return "/overige/documenten/" + f.doc(name) }
			h.loginAs(clientEmail, lang)
			for _, p := range []string{"/overige/facturen", "/overige/documenten", "/overige/documenten/nieuw", d(docContract),
				d(docIDCopy), d(docInstructions), d(docInvoice12), f.signLink(t, docContract),
				"/documenten/" + h.doc(docContract) + "/ondertekenen"} {
				check(p)
			}
			h.loginAs(interEmail, lang)
			check("/overige/documenten")
			check("/overige/facturen")
			h.loginAs(boEmail, lang)
			check("/overige/documenten")
			check(d(docIDCopy))
			check("/overige/facturen")
			check("/overige/documenten/nieuw")
			check("/overige/documenten/nieuw?soort=factuur")
			check(d(docAcme)) // no signers
		})
	}
	// The request form with its signers, once the open request expired.
	h := newHarnessOn(t, f)
	h.expire()
	for _, lang := range []string{"nl", "en"} {
		h.loginAs(boEmail, lang)
		res, body := h.get("/overige/documenten/" + f.doc(docContract))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="request-form"`) {
			t.Fatalf("%s: the expired request's page: %d", lang, res.StatusCode)
		}
		portal.AssertPage(t, "document with request form", res, body, lang)
	}
}
