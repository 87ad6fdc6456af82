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
}

func (f uploadForm) body() (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", f.csrf)
	_ = mw.WriteField("sleutel", "k1")
	_ = mw.WriteField("titel", f.title)
	_ = mw.WriteField("categorie", f.category)
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
