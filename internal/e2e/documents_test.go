package e2e_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	doccmd "backoffice/commands/document"
	"backoffice/internal/demo"
)

// signMail waits for the signing mail to `to` (the mail projector and the
// delivery queue run in the background) and returns its link's path and
// its TAN.
func signMail(t *testing.T, e *env, to string) (path, tan string) {
	t.Helper()
	link := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(e.URL) + `(/documenten/[0-9A-Za-z_-]+/ondertekenen/[0-9A-Za-z_-]{43})\s*$`)
	code := regexp.MustCompile(`TAN-code: ([A-Z]{4})`)
	text := e.Mail(t, to, "document goed te keuren")
	l, c := link.FindStringSubmatch(text), code.FindStringSubmatch(text)
	if l == nil || c == nil {
		t.Fatalf("signing mail without link or TAN:\n%s", text)
	}
	return l[1], c[1]
}

// wrongTAN is a TAN that differs from tan (same alphabet).
func wrongTAN(tan string) string {
	if tan == "AAAA" {
		return "BBBB"
	}
	return "AAAA"
}

// TestSigningWithTheDemoMail is manual chapter 5 on the real application:
// the demo seed asks the bakery's client user to sign an agreement; the
// mail in the outbox carries the link and the TAN; a wrong TAN is refused
// in Dutch, the right one with "gelezen" signs, and the overview then says
// Ondertekend. Another client's user gets 404 on the document, its file and
// the signing screen; the intermediary sees the document but cannot sign.
func TestSigningWithTheDemoMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path, tan := signMail(t, e, keesEmail)
	id := strings.Split(path, "/")[2]
	docPage := "/overige/documenten/" + id
	// The links the mails carry are the portal's pages.
	links := doccmd.PortalLinks(e.URL)
	token := path[strings.LastIndexByte(path, '/')+1:]
	if links.Sign(id, token) != e.URL+path || links.Document(id) != e.URL+docPage {
		t.Fatalf("mail links %s and %s are not the portal's %s and %s", links.Sign(id, token), links.Document(id), path, docPage)
	}

	kees := login(e, t, keesEmail)
	if status, body := kees.get("/overige/documenten"); status != http.StatusOK ||
		!strings.Contains(body, "Overeenkomst van opdracht 2026") || !strings.Contains(body, "Ter ondertekening") {
		t.Fatalf("Kees's documents: %d\n%s", status, body)
	}
	if status, body := kees.get("/overige/facturen"); status != http.StatusOK || !strings.Contains(body, "€ 4.235,00") {
		t.Fatalf("Kees's invoices: %d\n%s", status, body)
	}

	// Outsiders first, while the request is open.
	marieke := login(e, t, mariekeEmail)
	for _, p := range []string{docPage, docPage + "/bestand", path} {
		if status, _ := marieke.get(p); status != http.StatusNotFound {
			t.Errorf("another client's user GET %s: %d, want 404", p, status)
		}
	}
	if status, _ := marieke.post(path, url.Values{"tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}}); status != http.StatusNotFound {
		t.Errorf("another client's user signing: %d, want 404", status)
	}
	anna := login(e, t, annaEmail)
	if status, body := anna.get(docPage); status != http.StatusOK || strings.Contains(body, `href="`+path+`"`) {
		t.Errorf("the intermediary's document page: %d (want 200 without a signing link)", status)
	}
	// The intermediary may see the document, but the link is not hers.
	if status, _ := anna.post(path, url.Values{"tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}}); status != http.StatusForbidden {
		t.Errorf("the intermediary signing: %d, want 403", status)
	}

	// The signer.
	if status, body := kees.get(path); status != http.StatusOK || !strings.Contains(body, "Ik heb het document gelezen") {
		t.Fatalf("signing screen: %d\n%s", status, body)
	}
	if status, _ := kees.get(docPage + "/bestand"); status != http.StatusOK {
		t.Fatalf("the document's file for the signer: %d", status)
	}
	status, body := kees.post(path, url.Values{"tan": {wrongTAN(tan)}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	if status != http.StatusOK && status != http.StatusUnprocessableEntity && status != http.StatusBadRequest {
		t.Fatalf("wrong TAN: status %d", status)
	}
	if !strings.Contains(body, "verificatiecode") || strings.Contains(body, "Ondertekend") {
		t.Fatalf("wrong TAN: no Dutch error at the code, or signed anyway:\n%s", body)
	}
	status, body = kees.post(path, url.Values{"tan": {tan}, "gelezen": {"1"}, "opmerking": {"Graag een kopie per post."}, "besluit": {"akkoord"}})
	if status != http.StatusOK || !strings.Contains(body, "Ondertekend") {
		t.Fatalf("signing with the right TAN: %d\n%s", status, body)
	}
	if _, body := kees.get("/overige/documenten"); !strings.Contains(body, "Ondertekend") || strings.Contains(body, "Ter ondertekening") {
		t.Fatalf("the overview after signing:\n%s", body)
	}
	// Signed is final: a later "Niet akkoord" changes nothing.
	kees.post(path, url.Values{"tan": {tan}, "besluit": {"niet-akkoord"}})
	if _, body := kees.get("/overige/documenten"); !strings.Contains(body, "Ondertekend") || strings.Contains(body, ">Niet akkoord<") {
		t.Fatalf("the overview after a decline of the signed document:\n%s", body)
	}
}

// TestUploadAnIDCopy: a client user offers a copy of an ID (multipart, the
// portal's real form); it is listed, but its file is kept from every client
// and intermediary user, the uploader included (DESIGN: clients and
// intermediaries never receive ID copies).
func TestUploadAnIDCopy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	kees := login(e, t, keesEmail)

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"csrf": kees.csrf, "titel": "Kopie ID Jan", "categorie": "id_copy"} {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("bestand", "id-jan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte("%PDF-1.4\n% a test ID copy\n%%EOF\n"))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, e.URL+"/overige/documenten", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, body := kees.do(req)
	if status != http.StatusOK || !strings.Contains(body, "Kopie ID Jan") {
		t.Fatalf("upload: %d\n%s", status, body)
	}
	id := regexp.MustCompile(`/overige/documenten/([0-9A-Za-z_-]+)"[^>]*>\s*Kopie ID Jan`).FindStringSubmatch(body)
	if id == nil {
		_, list := kees.get("/overige/documenten")
		id = regexp.MustCompile(`/overige/documenten/([0-9A-Za-z_-]+)"[^>]*>\s*Kopie ID Jan`).FindStringSubmatch(list)
		if id == nil {
			t.Fatalf("the uploaded ID copy is not linked in the list:\n%s", list)
		}
	}
	file := "/overige/documenten/" + id[1] + "/bestand"
	for _, u := range []*httpUser{kees, login(e, t, annaEmail)} {
		if status, _ := u.get(file); status == http.StatusOK {
			t.Errorf("a client or intermediary user got the ID copy's file (%s)", file)
		}
	}
}

// postMultipart submits the portal's upload form with a file, as a
// browser without JavaScript does (following the redirect).
func (u *httpUser) postMultipart(path string, fields map[string]string, fileName string, content []byte) (int, string) {
	u.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields["csrf"] = u.csrf
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			u.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("bestand", fileName)
	if err != nil {
		u.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	if err := mw.Close(); err != nil {
		u.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, u.base+path, &buf)
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return u.do(req)
}

// TestBackofficeAsksASignature is manual §5.1 from the bureau's side, all
// in the portal: the back office adds a PDF for the garden centre and an
// invoice, asks Marieke to sign the PDF, the mail brings her the link and
// the TAN, and she signs. The bakery's user never sees the document, and
// Marieke cannot ask for signatures herself.
func TestBackofficeAsksASignature(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bo := login(e, t, demo.BackofficeMail)
	status, body := bo.get("/overige/documenten/nieuw")
	if status != http.StatusOK || !strings.Contains(body, `<option value="`+demo.ClientGarden+`">Tuincentrum Het Groene Blad</option>`) {
		t.Fatalf("the back office's upload form: %d\n%s", status, body)
	}
	const title = "Huisregels tuincentrum 2026"
	status, body = bo.postMultipart("/overige/documenten", map[string]string{"sleutel": "e2e-upload-1", "opdrachtgever": demo.ClientGarden,
		"soort": "document", "titel": title, "categorie": "general"}, "huisregels.pdf", []byte("%PDF-1.4\n% huisregels\n%%EOF\n"))
	if status != http.StatusOK || !strings.Contains(body, "Het document is toegevoegd.") || !strings.Contains(body, title) {
		t.Fatalf("upload: %d\n%s", status, body)
	}
	m := regexp.MustCompile(`/overige/documenten/([0-9A-Za-z_-]+)"[^>]*>\s*` + title).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the new document is not linked in the list:\n%s", body)
	}
	id := m[1]
	docPage := "/overige/documenten/" + id

	// An invoice for the garden centre, amount as a Dutch user types it.
	status, body = bo.postMultipart("/overige/documenten", map[string]string{"sleutel": "e2e-upload-2", "opdrachtgever": demo.ClientGarden,
		"soort": "invoice", "titel": "Factuur 2026-0099", "categorie": "general", "factuurnummer": "2026-0099",
		"factuurdatum": "2026-02-06", "bedrag": "1.234,56"}, "factuur.pdf", []byte("%PDF-1.4\n% factuur\n%%EOF\n"))
	if status != http.StatusOK || !strings.Contains(body, "De factuur is toegevoegd.") || !strings.Contains(body, "2026-0099") {
		t.Fatalf("invoice: %d\n%s", status, body)
	}

	_, body = bo.get(docPage)
	signer := regexp.MustCompile(`<option value="([^"]+)">Marieke Groen \(` + regexp.QuoteMeta(mariekeEmail) + `\)</option>`).FindStringSubmatch(body)
	if signer == nil {
		t.Fatalf("Marieke is not offered as the signer:\n%s", body)
	}
	status, body = bo.post(docPage+"/handtekening", url.Values{"sleutel": {"e2e-request-1"}, "ondertekenaar": {signer[1]}})
	if status != http.StatusOK || !strings.Contains(body, "Het verzoek is verstuurd.") || !strings.Contains(body, "Ter ondertekening") ||
		strings.Contains(body, `id="request-form"`) {
		t.Fatalf("asking for the signature: %d\n%s", status, body)
	}

	path, tan := signMail(t, e, mariekeEmail)
	if !strings.HasPrefix(path, "/documenten/"+id+"/ondertekenen/") {
		t.Fatalf("the mail links %s, not the new document %s", path, id)
	}
	kees := login(e, t, keesEmail)
	for _, p := range []string{docPage, path} {
		if status, _ := kees.get(p); status != http.StatusNotFound {
			t.Errorf("the bakery's user GET %s: %d, want 404", p, status)
		}
	}
	marieke := login(e, t, mariekeEmail)
	if _, body := marieke.get(docPage); strings.Contains(body, `id="request-signature"`) {
		t.Error("the client user is offered the request form")
	}
	if status, _ := marieke.post(docPage+"/handtekening", url.Values{"ondertekenaar": {signer[1]}}); status != http.StatusForbidden {
		t.Errorf("the client user asking for a signature: %d, want 403", status)
	}
	if _, body := marieke.get("/overige/facturen"); !strings.Contains(body, "2026-0099") || !strings.Contains(body, "€ 1.234,56") {
		t.Errorf("Marieke's invoices:\n%s", body)
	}
	status, body = marieke.post(path, url.Values{"tan": {tan}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	if status != http.StatusOK || !strings.Contains(body, "Ondertekend") {
		t.Fatalf("Marieke signs: %d\n%s", status, body)
	}
	if _, body := bo.get(docPage); !strings.Contains(body, "Ondertekend") || strings.Contains(body, `id="request-signature"`) {
		t.Fatalf("the back office's page after signing:\n%s", body)
	}
}
