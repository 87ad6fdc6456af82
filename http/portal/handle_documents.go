package portal

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
)

// The tab "Overige" (manual ch. 4 and 5): invoices, documents with
// "document aanbieden", the document page with its file, and the signing
// screen the e-mail links to.

// handleOther opens the tab on its first sub-page.
func (s *Server) handleOther() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := "/overige/urenrapport"
		switch {
		case s.Documents != nil && seesInvoices(actor(r)):
			target = "/overige/facturen"
		case s.Documents != nil:
			target = "/overige/documenten"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

func (s *Server) otherView(r *http.Request, sub, titleKey string) *view {
	v := s.newView(r, "other", titleKey)
	v.Sub = sub
	return v
}

func documentURL(id string) string { return "/overige/documenten/" + url.PathEscape(id) }
func fileURL(id string) string     { return documentURL(id) + "/bestand" }
func signURL(id string) string     { return "/documenten/" + url.PathEscape(id) + "/ondertekenen" }

// DocURL, FileURL and SignURL are the document's page, its file and its
// signing screen.
func (v *view) DocURL(id string) string  { return documentURL(id) }
func (v *view) FileURL(id string) string { return fileURL(id) }
func (v *view) SignURL(id string) string { return signURL(id) }

// Day formats an instant's calendar date in Europe/Amsterdam.
func (v *view) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return v.Date(timesheet.DateOf(t.In(timesheet.Location())))
}

// Euro formats cents as "€ 1.234,56" (nl) or "€1,234.56" (en).
func (v *view) Euro(cents int64) string { return formatEuro(v.Lang, cents) }

// Size formats a file size: "512 bytes", "12 kB", "1,5 MB".
func (v *view) Size(n int64) string { return formatSize(v.Lang, n) }

// formatSize counts in units of 1024, as file managers do, so the 2 MB
// limit reads "2 MB".
func formatSize(lang string, n int64) string {
	const kB, MB = 1 << 10, 1 << 20
	var s string
	switch {
	case n < kB:
		return fmt.Sprintf("%d bytes", n)
	case n < MB:
		return fmt.Sprintf("%d kB", (n+kB/2)/kB)
	default:
		s = strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/MB), ".0") + " MB"
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var signatureIcons = map[string]string{
	SignatureRequested: "✎", SignatureSigned: "✓", SignatureDeclined: "✗", SignatureSuperseded: "↻",
}

// SignatureView is a signature state in words with its icon ("" when no
// signature was asked).
func (v *view) SignatureView(state string) statusView {
	if state == SignatureNone {
		return statusView{}
	}
	return statusView{Code: "sig-" + state, Icon: signatureIcons[state], Label: v.T("signature." + state)}
}

// Category names a document category.
func (v *view) Category(c string) string {
	if c == DocumentCategoryIDCopy {
		return v.T("doc.category.id_copy")
	}
	return v.T("doc.category.general")
}

// canUpload: "document aanbieden" is the client's screen (manual ch. 4);
// the back office adds documents and invoices for any client through the
// same form.
func canUpload(a domain.Actor) bool { return a.Is(domain.RoleClient, domain.RoleBackoffice) }

// isBackoffice: the screens of the bureau's staff (choosing a client,
// invoices, asking for a signature). The ports decide all the same.
func isBackoffice(a domain.Actor) bool { return a.Is(domain.RoleBackoffice) }

// seesInvoices: invoices are the clients' (and their intermediary's and
// the bureau's); a worker has none, so gets no empty "Facturen" page.
func seesInvoices(a domain.Actor) bool { return !a.Is(domain.RoleWorker) }

// seesSeveralClients: the client column is for those who see more than one
// client's documents.
func seesSeveralClients(a domain.Actor) bool {
	return a.Is(domain.RoleIntermediary, domain.RoleBackoffice)
}

type documentsPage struct {
	Rows          []DocumentRow
	ShowClient    bool
	CanUpload     bool
	CanAddInvoice bool
	MaxSizeText   string
	Pager         pager
}

// documentsPageSize is the rows of one page of Facturen and Documenten.
const documentsPageSize = 100

func (s *Server) handleInvoices() http.Handler {
	return s.page("other", "invoices.title", "invoices", func(r *http.Request, v *view) error {
		v.Sub = "invoices"
		a := actor(r)
		if !seesInvoices(a) {
			return domain.NotFound("page_not_found", "This page does not exist.", "Deze pagina bestaat niet.")
		}
		page, err := pageRequest(r, documentsPageSize)
		if err != nil {
			return err
		}
		rows, next, err := s.Documents.ListPage(r.Context(), a, DocumentKindInvoice, page)
		v.Data = documentsPage{Rows: rows, ShowClient: seesSeveralClients(a), CanAddInvoice: isBackoffice(a),
			Pager: v.offsetPager(r, page, next)}
		return err
	})
}

func (s *Server) handleDocuments() http.Handler {
	return s.page("other", "documents.title", "documents", func(r *http.Request, v *view) error {
		v.Sub = "documents"
		a := actor(r)
		page, err := pageRequest(r, documentsPageSize)
		if err != nil {
			return err
		}
		rows, next, err := s.Documents.ListPage(r.Context(), a, DocumentKindDocument, page)
		v.Data = documentsPage{Rows: rows, ShowClient: seesSeveralClients(a), CanUpload: canUpload(a),
			Pager: v.offsetPager(r, page, next)}
		return err
	})
}

var errUploadNotAllowed = domain.Forbidden("upload_not_allowed",
	"Only the client and the back office can offer documents.", "Alleen de opdrachtgever en de backoffice kunnen documenten aanbieden.")

// uploadPage is the upload form's data: the back office chooses the
// client and the kind.
type uploadPage struct {
	Backoffice bool
	Clients    []ClientOption
	// Workers: a client user links a document (an ID copy) to one of
	// their workers.
	Workers []WorkerOption
}

// uploadView is the view of the upload form (sub-page invoices when an
// invoice is being added).
func (s *Server) uploadView(r *http.Request, kind string) (*view, error) {
	a := actor(r)
	sub, title := "documents", "upload.title"
	p := uploadPage{Backoffice: isBackoffice(a)}
	if p.Backoffice {
		title = "upload.title_backoffice"
		if kind == DocumentKindInvoice {
			sub = "invoices"
		}
		cs, err := s.Documents.Clients(r.Context(), a)
		if err != nil {
			return nil, err
		}
		p.Clients = cs
	} else {
		ws, err := s.Documents.Workers(r.Context(), a)
		if err != nil {
			return nil, err
		}
		p.Workers = ws
	}
	v := s.otherView(r, sub, title)
	v.Data = p
	return v, nil
}

func (s *Server) handleUploadPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !canUpload(actor(r)) {
			s.fail(w, r, errUploadNotAllowed)
			return
		}
		kind := DocumentKindDocument
		if r.URL.Query().Get("soort") == "factuur" {
			kind = DocumentKindInvoice
		}
		v, err := s.uploadView(r, kind)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Form.Set("categorie", DocumentCategoryGeneral)
		v.Form.Set("soort", kind)
		s.render(w, r, http.StatusOK, "upload", v)
	})
}

var uploadFields = map[string]string{"title": "title", "file": "file", "category": "category",
	"content_type": "file", "file_name": "file", "content": "file",
	"client_id": "client", "kind": "kind", "worker_id": "worker",
	"invoice_number": "invoice.number", "invoice_date": "invoice.date", "amount_cents": "invoice.amount"}

// handleUpload is "document aanbieden", and the back office's "document
// of factuur toevoegen". checkCSRF has read the multipart body (bounded);
// a body over the bound arrives unread and unchecked, and only gets the
// form back with the error.
func (s *Server) handleUpload() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := actor(r)
		if !canUpload(a) {
			s.fail(w, r, errUploadNotAllowed)
			return
		}
		kind := r.PostForm.Get("soort")
		v, err := s.uploadView(r, kind)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if state(r).uploadTooLarge {
			v.Form.Set("categorie", DocumentCategoryGeneral)
			v.Form.Set("soort", DocumentKindDocument)
			v.Errors["file"] = v.T("upload.too_large")
			s.render(w, r, http.StatusRequestEntityTooLarge, "upload", v)
			return
		}
		in, status := readUpload(r, v, isBackoffice(a))
		if len(v.Errors) > 0 {
			s.render(w, r, status, "upload", v)
			return
		}
		res, err := s.Documents.Upload(r.Context(), meta(r), in)
		if err != nil {
			s.showFormError(w, r, v, "upload", err, uploadFields)
			return
		}
		switch {
		case in.Kind == DocumentKindInvoice:
			redirectAfter(w, r, "/overige/facturen", res.Position, "invoice_added")
		case isBackoffice(a):
			redirectAfter(w, r, "/overige/documenten", res.Position, "document_added")
		default:
			redirectAfter(w, r, "/overige/documenten", res.Position, "uploaded")
		}
	})
}

// readUpload reads the upload form; errors go next to their fields in v,
// with the status to answer them with. Only the back office's form has a
// client, a kind and invoice fields; a client user's never sends them on.
func readUpload(r *http.Request, v *view, backoffice bool) (DocumentUpload, int) {
	in := DocumentUpload{
		Title:    strings.TrimSpace(r.PostForm.Get("titel")),
		Category: r.PostForm.Get("categorie"),
		Kind:     DocumentKindDocument,
	}
	if in.Category == "" {
		in.Category = DocumentCategoryGeneral
	}
	v.Form.Set("titel", in.Title)
	v.Form.Set("categorie", in.Category)
	v.Form.Set("soort", in.Kind)
	status := http.StatusUnprocessableEntity
	if backoffice {
		readBackofficeUpload(r, v, &in)
	} else {
		in.WorkerID = strings.TrimSpace(r.PostForm.Get("werknemer"))
		v.Form.Set("werknemer", in.WorkerID)
	}
	if in.Title == "" {
		v.Errors["title"] = v.T("upload.title_required")
	}
	if in.Category != DocumentCategoryGeneral && in.Category != DocumentCategoryIDCopy {
		v.Errors["category"] = v.T("upload.category_invalid")
	}
	if fh, content, st := uploadedFile(r, v, "file"); st != 0 {
		status = st
	} else {
		in.FileName, in.ContentType, in.Content = fh.Filename, fh.Header.Get("Content-Type"), content
	}
	return in, status
}

// uploadedFile reads the form's file input "bestand". A missing, empty,
// too large or unreadable file is an error at the input field in v, and
// status is what to answer it with (413 for too large, else 422); status
// is 0 when the file was read.
func uploadedFile(r *http.Request, v *view, field string) (fh *multipart.FileHeader, content []byte, status int) {
	if r.MultipartForm != nil && len(r.MultipartForm.File["bestand"]) > 0 {
		fh = r.MultipartForm.File["bestand"][0]
	}
	status = http.StatusUnprocessableEntity
	switch {
	case fh == nil || fh.Filename == "":
		v.Errors[field] = v.T("upload.file_required")
	case fh.Size > MaxDocumentSize:
		v.Errors[field], status = v.T("upload.too_large"), http.StatusRequestEntityTooLarge
	case fh.Size == 0:
		v.Errors[field] = v.T("upload.file_empty")
	default:
		var err error
		if content, err = readPart(fh); err != nil {
			v.Errors[field] = v.T("upload.file_unreadable")
			return fh, nil, status
		}
		return fh, content, 0
	}
	return fh, nil, status
}

// readBackofficeUpload reads the client, the kind and, for an invoice,
// its number, date and amount.
func readBackofficeUpload(r *http.Request, v *view, in *DocumentUpload) {
	f := r.PostForm
	in.ClientID = strings.TrimSpace(f.Get("opdrachtgever"))
	v.Form.Set("opdrachtgever", in.ClientID)
	if in.ClientID == "" {
		v.Errors["client"] = v.T("upload.client_required")
	}
	switch k := f.Get("soort"); k {
	case "", DocumentKindDocument:
	case DocumentKindInvoice:
		in.Kind = k
	default:
		v.Errors["kind"] = v.T("upload.kind_invalid")
	}
	v.Form.Set("soort", in.Kind)
	number, date, amount := strings.TrimSpace(f.Get("factuurnummer")), strings.TrimSpace(f.Get("factuurdatum")), strings.TrimSpace(f.Get("bedrag"))
	v.Form.Set("factuurnummer", number)
	v.Form.Set("factuurdatum", date)
	v.Form.Set("bedrag", amount)
	if in.Kind != DocumentKindInvoice {
		return // the invoice fields of a document are left out, not refused
	}
	inv := &Invoice{Number: number}
	if number == "" {
		v.Errors["invoice.number"] = v.T("upload.number_required")
	}
	if d, ok := parseInvoiceDate(date); ok {
		inv.Date = d
	} else {
		v.Errors["invoice.date"] = v.T("upload.date_invalid")
	}
	switch cents, err := domain.ParseEuro(amount); {
	case amount == "":
		v.Errors["invoice.amount"] = v.T("upload.amount_required")
	case err != nil:
		v.Errors["invoice.amount"] = v.T("upload.amount_invalid")
	default:
		inv.AmountCents = int64(cents) // a credit note is negative
	}
	in.Invoice = inv
}

// parseInvoiceDate reads the date field: "2026-02-11" from a date input,
// or "11-02-2026" typed where the browser has none.
func parseInvoiceDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "02-01-2006", "2-1-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err == nil && len(content) > MaxDocumentSize {
		err = errUploadTooLarge
	}
	return content, err
}

type documentPage struct {
	Doc        Document
	ShowClient bool
	Inline     bool // the file opens in the browser (PDF, image)
	// Signers are who the back office can ask to sign (when
	// Doc.CanRequestSignature).
	Signers []SignerOption
}

// documentData loads the document page into v.
func (s *Server) documentData(r *http.Request, v *view, id string) error {
	a := actor(r)
	d, err := s.Documents.Document(r.Context(), a, id)
	if err != nil {
		return err
	}
	p := documentPage{Doc: d, ShowClient: seesSeveralClients(a), Inline: inlineType(d.ContentType)}
	if d.CanRequestSignature {
		if p.Signers, err = s.Documents.Signers(r.Context(), a, id); err != nil {
			return err
		}
	}
	if d.Kind == DocumentKindInvoice {
		v.Sub = "invoices"
	}
	v.Title = d.Title
	v.Data = p
	return nil
}

func (s *Server) handleDocument() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderDocument(w, r, http.StatusOK, s.otherView(r, "documents", "document.title"), mux.Vars(r)["id"])
	})
}

// renderDocument shows the page of document id with status (and the
// errors of a form on it in v).
func (s *Server) renderDocument(w http.ResponseWriter, r *http.Request, status int, v *view, id string) {
	if err := s.documentData(r, v, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "document", v)
}

// documentCommandDone answers the command of a form on the page of
// document id: done, the browser goes back to the document with flash; a
// refusal the form can show (fields) gives the status to show the page
// again with; anything else fails. done says the answer is given.
func (s *Server) documentCommandDone(w http.ResponseWriter, r *http.Request, v *view, id string, res commands.Result, err error, fields map[string]string, flash string) (status int, done bool) {
	if err == nil {
		redirectAfter(w, r, documentURL(id), res.Position, flash)
		return 0, true
	}
	if !v.refusalAtForm(err, fields) {
		s.fail(w, r, err)
		return 0, true
	}
	return httpx.Status(err), false
}

var requestFields = map[string]string{"signer_account_id": "signer"}

// handleRequestSignature is the back office's "Handtekening vragen" (manual
// §5.1): the port decides who may ask and whom; the mail with the link
// and the TAN follows from the event.
func (s *Server) handleRequestSignature() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		v := s.otherView(r, "documents", "document.title")
		signer := strings.TrimSpace(r.PostForm.Get("ondertekenaar"))
		v.Form.Set("ondertekenaar", signer)
		status := http.StatusUnprocessableEntity
		if signer == "" {
			v.Errors["signer"] = v.T("request.signer_required")
		} else {
			res, err := s.Documents.RequestSignature(r.Context(), meta(r), id, signer)
			var done bool
			if status, done = s.documentCommandDone(w, r, v, id, res, err, requestFields, "signature_requested"); done {
				return
			}
		}
		s.renderDocument(w, r, status, v, id)
	})
}

// SignerLabel names a signer in the select: name and e-mail address.
func (v *view) SignerLabel(o SignerOption) string {
	if o.Name == "" || strings.EqualFold(o.Name, o.Email) {
		return o.Email
	}
	return o.Name + " (" + o.Email + ")"
}

// inlineTypes open in the browser; everything else is downloaded. SVG is
// not among them: it can hold script.
var inlineTypes = map[string]bool{
	"application/pdf": true, "image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
}

func inlineType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && inlineTypes[mt]
}

// File responses get their own policy: nothing may load or run. The
// sandbox makes even a mislabelled file an opaque origin. PDFs go without
// the sandbox keyword: Chromium refuses to start its PDF viewer in a
// sandboxed document, and the viewer runs isolated from the page's origin.
const (
	fileCSP    = "default-src 'none'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
	pdfFileCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

// handleFile serves a document's content: inline for PDF and images (to
// view or print), as an attachment otherwise or with ?download=1.
func (s *Server) handleFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		a := actor(r)
		d, err := s.Documents.Document(r.Context(), a, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Restricted {
			s.fail(w, r, errRestricted)
			return
		}
		version := 0
		if n, ok := mux.Vars(r)["n"]; ok {
			if version, err = strconv.Atoi(n); err != nil || version < 1 {
				s.fail(w, r, domain.ErrNotFound)
				return
			}
		}
		f, err := s.Documents.File(r.Context(), a, id, version)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		mt, _, _ := mime.ParseMediaType(f.ContentType)
		inline := inlineTypes[mt] && r.URL.Query().Get("download") == ""
		h := w.Header()
		disposition, csp := "attachment", fileCSP
		h.Set("Content-Type", "application/octet-stream")
		if inline {
			disposition = "inline"
			h.Set("Content-Type", mt)
			if mt == "application/pdf" {
				csp = pdfFileCSP
			}
		}
		h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": safeFileName(f.FileName)}))
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Content-Length", fmt.Sprint(len(f.Content)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.Content)
		}
	})
}

var errRestricted = domain.Forbidden("document_restricted",
	"Only the back office and the worker concerned can open this document.",
	"Alleen de backoffice en de werknemer zelf kunnen dit document openen.")

// safeFileName keeps a file name fit for Content-Disposition: no path, no
// control or quoting characters, at most 100 characters.
func safeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), r == '"', r == ';', r == '%', r == '*', unicode.Is(unicode.Bidi_Control, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if rs := []rune(name); len(rs) > 100 {
		ext := ""
		if i := strings.LastIndex(name, "."); i > 0 && len(name)-i <= 10 {
			ext = name[i:]
		}
		name = string(rs[:100-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" {
		return "document"
	}
	return name
}

// --- signing (manual §5.2) ---

type signPage struct {
	Doc Document
	// Open: the form is shown. Otherwise Blocked, Expired, Superseded,
	// Decided or NeedLink (the page was opened without the mail's unique
	// link) explains why.
	Open, Blocked, Expired, Superseded, Decided, NeedLink bool
}

var errNoSignature = domain.NotFound("signature_not_found",
	"There is no signature request for you on this document.",
	"Er is voor u geen verzoek om dit document te ondertekenen.")

// signData loads the document for the signing screen. Someone who is not
// the signer of an open request gets not-found, like the port answers.
func (s *Server) signData(r *http.Request, v *view) error {
	d, err := s.Documents.Document(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	p := signPage{Doc: d}
	switch {
	case d.Request == nil:
		return errNoSignature
	case d.Request.Status == SignatureSuperseded:
		// The mail's link of a request a new version replaced.
		p.Superseded = true
	case d.Request.Status != SignatureRequested:
		p.Decided = true
	case d.Request.Blocked:
		p.Blocked = true
	case d.Request.Expired:
		// The mail's link outlives the request: say so, not "not found".
		p.Expired = true
	case d.CanSign:
		// Only the mail's unique link opens the form (handle_signlink.go).
		p.Open = mux.Vars(r)["token"] != ""
		p.NeedLink = !p.Open
	default:
		return errNoSignature
	}
	v.Title = v.T("sign.title") + " – " + d.Title
	v.Data = p
	return nil
}

func (s *Server) handleSignPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.otherView(r, "documents", "sign.title")
		if err := s.signData(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
		if v.Data.(signPage).Open {
			// Evidence (docs/documents.md): the signer opened the screen.
			// A failure to record it never keeps the signer from signing.
			if err := s.Documents.OpenSigning(r.Context(), meta(r), mux.Vars(r)["id"], httpx.ClientIP(r), r.UserAgent()); err != nil {
				s.Log.WarnContext(r.Context(), "portal: unable to record the opening of a signing screen", "err", err)
			}
		}
		s.render(w, r, http.StatusOK, "sign", v)
	})
}

var signFields = map[string]string{"tan": "tan", "read": "read", "remark": "remark"}

// handleSign is the signing form: "Akkoord" signs, "Niet akkoord"
// declines; both need the TAN, only Akkoord needs "ik heb het document
// gelezen". Afterwards the document page shows the outcome.
func (s *Server) handleSign() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		v := s.otherView(r, "documents", "sign.title")
		in := Signature{
			TAN:           strings.TrimSpace(r.PostForm.Get("tan")),
			Remark:        strings.TrimSpace(r.PostForm.Get("opmerking")),
			ReadConfirmed: r.PostForm.Get("gelezen") != "",
			// The consent text shown is the page's language; the
			// connection goes sealed into the evidence.
			Lang: v.Lang, IP: httpx.ClientIP(r), UserAgent: r.UserAgent(),
		}
		v.Form.Set("opmerking", in.Remark)
		if in.ReadConfirmed {
			v.Form.Set("gelezen", "1")
		}
		decline := r.PostForm.Get("besluit") == "niet-akkoord"
		if in.TAN == "" {
			v.Errors["tan"] = v.T("sign.tan_required")
		}
		if !decline && !in.ReadConfirmed {
			v.Errors["read"] = v.T("sign.read_required")
		}
		status := http.StatusUnprocessableEntity
		if len(v.Errors) == 0 {
			var err error
			var pos commands.Result
			if decline {
				pos, err = s.Documents.Decline(r.Context(), meta(r), id, in)
			} else {
				pos, err = s.Documents.Sign(r.Context(), meta(r), id, in)
			}
			if err == nil {
				flash := "signed"
				if decline {
					flash = "declined"
				}
				redirectAfter(w, r, documentURL(id), pos.Position, flash)
				return
			}
			status = httpx.Status(err)
			switch {
			case domain.KindOf(err) == domain.KindNotFound:
				s.fail(w, r, err)
				return
			case domain.KindOf(err) == domain.KindTooMany:
				// Blocked now: the page says so; the message goes on top.
				v.Errors["_form"] = httpx.Detail(err, v.Lang).Message
			case !v.formError(err, signFields):
				s.fail(w, r, err)
				return
			}
		}
		if err := s.signData(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "sign", v)
	})
}

// ConsentText is the statement above the signing buttons; its hash is
// recorded with the answer.
func (v *view) ConsentText() string { return doc.ConsentText(v.Lang) }

// VersionFileURL is the file of one version of a document.
func (v *view) VersionFileURL(id string, n int) string {
	return documentURL(id) + "/versies/" + strconv.Itoa(n) + "/bestand"
}

// EvidenceURL is the "Bewijs van ondertekening" of a document.
func (v *view) EvidenceURL(id string) string { return documentURL(id) + "/bewijs.pdf" }

var versionFields = map[string]string{"file": "version", "content_type": "version", "file_name": "version", "content": "version"}

// handleAddVersion is "een nieuwe versie aanbieden" (manual ch. 4) on the
// document page: a file, nothing else. checkCSRF has read the multipart
// body (bounded), as for the upload.
func (s *Server) handleAddVersion() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		v := s.otherView(r, "documents", "document.title")
		var status int
		if state(r).uploadTooLarge {
			v.Errors["version"], status = v.T("upload.too_large"), http.StatusRequestEntityTooLarge
		} else if fh, content, st := uploadedFile(r, v, "version"); st != 0 {
			status = st
		} else {
			res, err := s.Documents.AddVersion(r.Context(), meta(r), id, fh.Filename, content)
			var done bool
			if status, done = s.documentCommandDone(w, r, v, id, res, err, versionFields, "version_added"); done {
				return
			}
		}
		s.renderDocument(w, r, status, v, id)
	})
}

// handleEvidence serves the "Bewijs van ondertekening" of a signed or
// declined document to whoever may see it (the connection of the signer
// only to the back office and the signer).
func (s *Server) handleEvidence() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		b, err := s.Documents.Evidence(r.Context(), actor(r), id, s.Clock())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "bewijs-van-ondertekening-" + safeFileName(id) + ".pdf"}))
		h.Set("Content-Security-Policy", pdfFileCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
	})
}
