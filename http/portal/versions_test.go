package portal_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	doc "backoffice/domain/document"
	rmdocuments "backoffice/readmodel/documents"
)

// versionForm posts a new version's file to the document's form.
func (h *harness) postVersion(docID, fileName string, content []byte) (*http.Response, string) {
	h.t.Helper()
	page := "/overige/documenten/" + docID
	f := uploadForm{csrf: h.token(page), fileName: fileName, contentType: "application/pdf", content: content}
	body, ct := f.body()
	return h.postBody(page+"/versies", ct, body)
}

// TestDocumentVersions: "een nieuwe versie aanbieden" on the document page;
// the list and the page show the version, the old file stays downloadable,
// the open request on version 1 is superseded and its TAN no longer signs.
func TestDocumentVersions(t *testing.T) {
	h := newHarness(t)
	id := h.doc(docContract)
	page := "/overige/documenten/" + id
	oldTAN := h.tan(t, docContract)

	h.loginAs(interEmail, "nl")
	if _, body := h.get(page); strings.Contains(body, `id="version-form"`) {
		t.Fatal("the intermediary is offered a new version")
	}
	h.loginAs(client2Email, "nl")
	if res, _ := h.postVersion(h.doc(docInstructions), "x.pdf", []byte("%PDF-1.4 x")); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another client's document: %d", res.StatusCode)
	}

	h.loginAs(clientEmail, "nl")
	_, body := h.get(page)
	for _, want := range []string{`<dd id="version">1</dd>`, `id="version-form"`, `action="` + page + `/versies"`, `enctype="multipart/form-data"`,
		`<label for="versie-bestand">Nieuwe versie aanbieden</label>`} {
		if !strings.Contains(body, want) {
			t.Fatalf("document page lacks %q", want)
		}
	}
	for _, c := range []struct {
		name    string
		content []byte
		status  int
		msg     string
	}{
		{"empty", nil, http.StatusUnprocessableEntity, "Het bestand is leeg."},
		{"the current file again", contractPDF, http.StatusBadRequest, "Dit bestand is al de huidige versie."},
		{"HTML", []byte("<!DOCTYPE html><html>x</html>"), http.StatusUnsupportedMediaType, "Alleen PDF-, PNG-, JPEG-, GIF- en tekstbestanden"},
	} {
		res, body := h.postVersion(id, "v.pdf", c.content)
		if res.StatusCode != c.status || !regexp.MustCompile(`id="err-version">[^<]*`+regexp.QuoteMeta(c.msg)).MatchString(body) {
			t.Fatalf("%s: %d, want %d with %q next to the field\n%s", c.name, res.StatusCode, c.status, c.msg, body)
		}
	}
	v2 := []byte("%PDF-1.4 versie 2\n")
	res, _ := h.postVersion(id, "arbeidsovereenkomst-v2.pdf", v2)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "ok=version_added") {
		t.Fatalf("new version: %d %q", res.StatusCode, loc)
	}
	_, body = h.get(loc)
	for _, want := range []string{"De nieuwe versie is aangeboden.", `<dd id="version">2</dd>`, `id="version-list"`,
		`href="` + page + `/versies/1/bestand?download=1"`, `href="` + page + `/versies/2/bestand?download=1"`,
		`id="superseded"`, `<dd id="request-version">1</dd>`} {
		if !strings.Contains(body, want) {
			t.Fatalf("document page after v2 lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `id="sign-link"`) {
		t.Fatal("the superseded request is still offered for signing")
	}
	for path, want := range map[string][]byte{page + "/versies/1/bestand?download=1": contractPDF, page + "/versies/2/bestand?download=1": v2,
		page + "/bestand?download=1": v2} {
		if res, got := h.get(path); res.StatusCode != http.StatusOK || got != string(want) {
			t.Fatalf("%s: %d %q", path, res.StatusCode, got)
		}
	}
	if res, _ := h.get(page + "/versies/3/bestand"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("version 3: %d", res.StatusCode)
	}
	rows := rowsOf(t, func() string { _, b := h.get("/overige/documenten"); return b }(), "documents")
	if !strings.HasPrefix(rows[0], "Arbeidsovereenkomst Jan de Vries (Versie 2)") || !strings.Contains(rows[0], "Nieuwe versie, niet ondertekend") {
		t.Fatalf("list row %q", rows[0])
	}
	// The mail's link says the request no longer applies; the old TAN
	// signs nothing any more.
	sign := h.signLink(t, docContract)
	if _, body := h.get(sign); !strings.Contains(body, `id="superseded"`) || strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("signing screen of the superseded request:\n%s", body)
	}
	res, body = h.postOn(sign, "", url.Values{"tan": {oldTAN}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Er is een nieuwe versie van het document aangeboden") {
		t.Fatalf("signing the superseded request: %d\n%s", res.StatusCode, body)
	}
	if st := h.document(docContract).Request.Status; st != "superseded" {
		t.Fatalf("request %s", st)
	}
}

// doUA sends a request with a user agent of its own.
func (h *harness) doUA(method, path, contentType, ua string, body io.Reader) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.URL+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", ua)
	return h.send(req)
}

var pdfStreamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfText inflates the content streams of a PDF to read its text.
func pdfText(b string) string {
	var out strings.Builder
	for _, m := range pdfStreamRE.FindAllStringSubmatch(b, -1) {
		if zr, err := zlib.NewReader(strings.NewReader(m[1])); err == nil {
			plain, _ := io.ReadAll(zr)
			out.Write(plain)
		}
	}
	return out.String()
}

// TestSigningEvidenceDownload: the signer opens the screen, enters a wrong
// TAN, signs; the document page then offers the "Bewijs van
// ondertekening", which shows that trail with the signer's connection to
// the signer and the back office, without it to the intermediary, and not
// at all to another client. An unanswered document has no evidence.
func TestSigningEvidenceDownload(t *testing.T) {
	h := newHarness(t)
	id := h.doc(docContract)
	page := "/overige/documenten/" + id
	sign := h.signLink(t, docContract)
	tan := h.tan(t, docContract)
	const ua = "PortalEvidence/1.0 (Test)"

	h.loginAs(clientEmail, "nl")
	if _, body := h.get(page); strings.Contains(body, `id="evidence"`) {
		t.Fatal("evidence offered before the answer")
	}
	if res, _ := h.get(page + "/bewijs.pdf"); res.StatusCode != http.StatusConflict {
		t.Fatalf("evidence before the answer: %d", res.StatusCode)
	}
	_, body := h.doUA(http.MethodGet, sign, "", ua, nil)
	if !strings.Contains(body, `<p class="consent" id="consent">`+doc.ConsentText("nl")) {
		t.Fatalf("the signing screen does not show the consent text:\n%s", body)
	}
	form := func(tan string) string {
		return url.Values{"csrf": {h.token(sign)}, "tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}}.Encode()
	}
	if res, _ := h.doUA(http.MethodPost, sign, "application/x-www-form-urlencoded", ua, strings.NewReader(form(wrongTAN(tan)))); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong TAN: %d", res.StatusCode)
	}
	res, _ := h.doUA(http.MethodPost, sign, "application/x-www-form-urlencoded", ua, strings.NewReader(form(tan)))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d", res.StatusCode)
	}
	_, body = h.get(res.Header.Get("Location"))
	if !strings.Contains(body, `href="`+page+`/bewijs.pdf" download id="evidence">Bewijs van ondertekening (PDF)</a>`) {
		t.Fatalf("no evidence link on the signed document:\n%s", body)
	}
	evidence := func(who string) (int, string) {
		res, b := h.get(page + "/bewijs.pdf")
		if res.StatusCode == http.StatusOK && (res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(b, "%PDF-")) {
			t.Fatalf("%s: not a PDF: %v", who, res.Header)
		}
		return res.StatusCode, pdfText(b)
	}
	for _, who := range []string{clientEmail, boEmail, interEmail} {
		if who != clientEmail {
			h.loginAs(who, "nl")
		}
		status, text := evidence(who)
		if status != http.StatusOK {
			t.Fatalf("%s: %d", who, status)
		}
		for _, want := range []string{"verificatiecode verstuurd per e-mail naar", "ondertekenscherm geopend", `onjuiste verificatiecode \(poging 1\)`, `Akkoord \(ondertekend\)`,
			doc.ConsentSHA256("nl"), "document.signing_screen_opened", "document.tan_rejected"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the evidence does not show %q", who, want)
			}
		}
		if shows := strings.Contains(text, "PortalEvidence/1.0"); shows != (who != interEmail) {
			t.Errorf("%s: connection shown %v", who, shows)
		}
	}
	h.loginAs(client2Email, "nl")
	if status, _ := evidence(client2Email); status != http.StatusNotFound {
		t.Fatalf("another client: %d", status)
	}
}

// TestLinkIDCopyToWorker: a client user links an ID copy to one of their
// workers; they see that it is there (title, worker, date, type), not its
// content; the worker opens it; another client's worker is refused at the
// field.
func TestLinkIDCopyToWorker(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	page := "/overige/documenten/nieuw"
	_, body := h.get(page)
	for _, want := range []string{`<label for="werknemer">Werknemer (optioneel)</label>`, `<option value="w1">Jan de Vries</option>`,
		`<option value="w4">Piet Jansen</option>`} {
		if !strings.Contains(body, want) {
			t.Fatalf("upload form lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `value="w2"`) {
		t.Fatal("another client's worker is offered")
	}
	f := uploadForm{csrf: h.token(page), title: "ID Jan", category: "id_copy", fileName: "id jan.jpg", contentType: "image/jpeg",
		content: append([]byte("\xff\xd8\xff"), bytes.Repeat([]byte{1}, 500)...), extra: map[string]string{"werknemer": "w2"}}
	res, body := h.upload(f)
	if res.StatusCode != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`id="err-worker">Er is geen werknemer met deze identificatie bij deze opdrachtgever`).MatchString(body) {
		t.Fatalf("another client's worker: %d\n%s", res.StatusCode, body)
	}
	f.csrf, f.extra["werknemer"] = h.token(page), "w1"
	res, _ = h.upload(f)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	_, body = h.get(res.Header.Get("Location"))
	var row string
	for _, r := range rowsOf(t, body, "documents") {
		if strings.HasPrefix(r, "ID Jan") {
			row = r
		}
	}
	if !strings.HasPrefix(row, "ID Jan Kopie ID-bewijs Jan de Vries ⚠ Alleen in te zien door de backoffice en de werknemer id jan.jpg") {
		t.Fatalf("list row %q", row)
	}
	d := h.stored(func(r rmdocuments.Row) bool { return r.Title == "ID Jan" })
	if d.WorkerID != "w1" || d.Category != "id_copy" {
		t.Fatalf("stored %+v", d)
	}
	if res, _ := h.get("/overige/documenten/" + d.ID + "/bestand"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the client opens the ID copy: %d", res.StatusCode)
	}
	h.loginAs(workerEmail, "nl")
	if res, got := h.get("/overige/documenten/" + d.ID + "/bestand?download=1"); res.StatusCode != http.StatusOK || got != string(f.content) {
		t.Fatalf("the worker opens their ID copy: %d", res.StatusCode)
	}
}
