package documentapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/documents"
	"backoffice/readmodel/paging"
)

// maxUploadBody bounds a multipart upload: the 2 MB file plus room for the
// other fields and the multipart framing.
const maxUploadBody = doc.MaxSize + 64<<10

func (f *Feature) handleList(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.ReadProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			q := r.URL.Query()
			page, err := paging.Parse(q.Get("limit"), q.Get("cursor"))
			if err != nil {
				return nil, err
			}
			return f.queries.ListPage(ctx, actor, q.Get("kind"), page)
		})
	})
}

// detail is a document with, for its signer, the consent text that
// "read": true agrees to (its hash is recorded with the answer).
type detail struct {
	rm.Detail
	ConsentText string `json:"consent_text,omitempty"`
}

func (f *Feature) handleDetail(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.ReadProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			m, err := asof.Parse(r.URL.Query().Get("as_of"))
			if err != nil {
				return nil, err
			}
			d, err := f.queries.DocumentAsOf(ctx, actor, f.ledger, mux.Vars(r)["id"], m)
			out := detail{Detail: d}
			if d.CanSign && m.IsZero() {
				out.ConsentText = doc.ConsentText(httpx.Language(r))
			}
			return out, err
		})
	})
}

// handleFile sends the file as an attachment. It is served with its
// sniffed type, nosniff and a sandboxing CSP, so even a file that
// slipped past the allow-list cannot run in the portal's origin.
func (f *Feature) handleFile(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := s.Actor(w, r)
		if !ok {
			return
		}
		if !s.WaitForMin(w, r, rm.ReadProjectors...) {
			return
		}
		version := 0
		if v, ok := mux.Vars(r)["version"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				s.Error(w, r, domain.ErrNotFound)
				return
			}
			version = n
		}
		file, err := f.queries.FileVersion(r.Context(), actor, mux.Vars(r)["id"], version)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", file.ContentType)
		h.Set("Content-Length", strconv.Itoa(len(file.Content)))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file.FileName}))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(file.Content)
	})
}

// uploaded is the answer to an upload.
type uploaded struct {
	Position string `json:"position"`
	ID       string `json:"id"`
}

// tooLarge is the 413 of an upload over the limit, in the caller's language.
func tooLarge(w http.ResponseWriter, r *http.Request) {
	msg := "The file is larger than 2 MB. Make pictures in the document smaller."
	if httpx.Language(r) == "nl" {
		msg = "Het bestand is groter dan 2 MB. Verklein eventueel plaatjes in het document."
	}
	httpx.WriteJSON(w, http.StatusRequestEntityTooLarge, httpx.ErrorBody{Error: httpx.ErrorDetail{
		Code: "file_too_large", Message: msg, Field: "file"}})
}

// handleUpload is "document aanbieden" over multipart/form-data. It does
// not go through api.Server.Command, whose idempotency store caps bodies
// at 1 MiB: an Idempotency-Key instead derives the new document's ID, so a
// retry answers with the document the first attempt stored.
//
// The body is streamed: the form fields are small and bounded, the file is
// read into one buffer of at most 2 MB, nothing else is kept. Concurrent
// uploads are capped per process and per user (429). A refused upload's
// body is drained so the client, still sending, gets the answer.
func (f *Feature) handleUpload(s *api.Server) http.Handler {
	return f.receive(s, func(ctx context.Context, meta commands.Meta, in cmd.Upload, _ *http.Request) (any, string, error) {
		res, id, err := f.commands.Upload(ctx, meta, in)
		return uploaded{Position: res.Position.String(), ID: id}, res.Position.String(), err
	})
}

// versionAdded is the answer to a new version.
type versionAdded struct {
	Position string `json:"position"`
	Version  int    `json:"version"`
}

// handleAddVersion is "een nieuwe versie aanbieden": the same multipart
// body as an upload (only the file counts), bounded the same way.
func (f *Feature) handleAddVersion(s *api.Server) http.Handler {
	return f.receive(s, func(ctx context.Context, meta commands.Meta, in cmd.Upload, r *http.Request) (any, string, error) {
		res, n, err := f.commands.AddVersion(ctx, meta, mux.Vars(r)["id"], cmd.NewVersion{FileName: in.FileName, Content: in.Content})
		return versionAdded{Position: res.Position.String(), Version: n}, res.Position.String(), err
	})
}

// receive reads a bounded multipart upload and hands it to run, which
// answers 201 with its body and position.
func (f *Feature) receive(s *api.Server, run func(context.Context, commands.Meta, cmd.Upload, *http.Request) (any, string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := s.Actor(w, r)
		if !ok {
			httpx.DrainBody(w, r)
			return
		}
		fail := func(err error) {
			s.Error(w, r, err)
			httpx.DrainBody(w, r)
		}
		meta := commands.Meta{Actor: actor, CorrelationID: httpx.RequestID(r.Context()), IdempotencyKey: r.Header.Get("Idempotency-Key")}
		if len(meta.IdempotencyKey) > 200 {
			fail(domain.Invalid("idempotency_key_too_long", "Idempotency-Key", "Idempotency-Key is longer than 200 characters", "Idempotency-Key is langer dan 200 tekens."))
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
			fail(&domain.Error{Kind: domain.KindUnsupportedMedia, Code: "unsupported_media_type",
				Message: "the body must be multipart/form-data", MessageNL: "De inhoud moet multipart/form-data zijn."})
			return
		}
		if r.ContentLength > maxUploadBody {
			tooLarge(w, r)
			httpx.DrainBody(w, r)
			return
		}
		if !doc.MayUpload(actor) {
			// Before the slot: a login that may never upload must not
			// hold one with a slow body.
			fail(doc.Forbidden)
			return
		}
		release, err := f.uploads.Acquire(actor.AccountID)
		if err != nil {
			fail(err)
			return
		}
		defer release()
		r.Body = httpx.LimitBody(r, maxUploadBody)
		in, err := readUpload(r)
		if errors.Is(err, errFileTooLarge) || domain.KindOf(err) == domain.KindTooLarge {
			tooLarge(w, r)
			httpx.DrainBody(w, r)
			return
		}
		if err != nil {
			fail(err)
			return
		}
		body, pos, err := run(r.Context(), meta, in, r)
		if err != nil {
			fail(err)
			return
		}
		w.Header().Set("X-Position", pos)
		httpx.WriteJSON(w, http.StatusCreated, body)
	})
}

var errFileTooLarge = errors.New("file too large")

// Bounds of the form's text fields and parts.
const (
	maxFieldBytes = 4 << 10
	maxParts      = 20
)

var errMalformedMultipart = domain.Invalid("malformed_multipart", "", "the body is not valid multipart/form-data",
	"De inhoud is geen geldige multipart/form-data.")

// readUpload streams the multipart form of an upload: text fields of at
// most maxFieldBytes, exactly one part "file" of at most doc.MaxSize.
func readUpload(r *http.Request) (cmd.Upload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return cmd.Upload{}, errMalformedMultipart
	}
	fields := map[string]string{}
	var (
		content  []byte
		fileName string
		files    int
	)
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF { //nolint:errorlint // only the closing boundary gives the bare io.EOF; a body without one wraps it
			break
		}
		if domain.KindOf(err) == domain.KindTooLarge {
			return cmd.Upload{}, err
		}
		if err != nil || n >= maxParts {
			return cmd.Upload{}, errMalformedMultipart
		}
		name := part.FormName()
		if name == "file" {
			files++
			fileName = part.FileName()
			content, err = io.ReadAll(io.LimitReader(part, doc.MaxSize+1))
			if err == nil && len(content) > doc.MaxSize {
				return cmd.Upload{}, errFileTooLarge
			}
		} else {
			var b []byte
			b, err = io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err == nil && len(b) > maxFieldBytes {
				return cmd.Upload{}, domain.Invalid("too_long", name, "The text is too long.", "De tekst is te lang.")
			}
			if _, seen := fields[name]; !seen {
				fields[name] = string(b)
			}
		}
		if domain.KindOf(err) == domain.KindTooLarge {
			return cmd.Upload{}, err
		}
		if err != nil {
			return cmd.Upload{}, errMalformedMultipart
		}
	}
	if files != 1 {
		return cmd.Upload{}, domain.Invalid("required", "file", "exactly one file is required (field \"file\")",
			"Kies precies één bestand (veld \"file\").")
	}
	in, err := uploadOf(fields)
	in.Content, in.FileName = content, fileName
	return in, err
}

// uploadOf reads the form fields of an upload.
func uploadOf(v map[string]string) (cmd.Upload, error) {
	field := func(name string) string { return v[name] }
	in := cmd.Upload{ClientID: field("client_id"), WorkerID: field("worker_id"), Kind: doc.Kind(field("kind")),
		Category: doc.Category(field("category")), Title: field("title")}
	if in.Kind == "" {
		in.Kind = doc.KindDocument
	}
	if in.Kind == doc.KindInvoice || field("invoice_number") != "" || field("invoice_date") != "" || field("amount_cents") != "" {
		inv := &doc.Invoice{Number: field("invoice_number")}
		if d := field("invoice_date"); d != "" {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil || t.IsZero() { // 0001-01-01 would read as "no date" further on
				return in, domain.Invalid("date_invalid", "invoice_date", "invoice_date must be a date (YYYY-MM-DD)",
					"De factuurdatum moet een datum zijn (JJJJ-MM-DD).")
			}
			inv.Date = t
		}
		if a := field("amount_cents"); a != "" {
			n, err := strconv.ParseInt(a, 10, 64)
			if err != nil {
				return in, domain.Invalid("amount_invalid", "amount_cents", "amount_cents must be a whole number of cents",
					"Het bedrag moet een geheel aantal centen zijn.")
			}
			inv.AmountCents = n
		}
		in.Invoice = inv
	}
	return in, nil
}

type signatureRequestBody struct {
	SignerAccountID string `json:"signer_account_id"`
	// Reason is required once 3 codes of the document were blocked.
	Reason string `json:"reason"`
}

type signatureRequested struct {
	Position  string `json:"position"`
	RequestID string `json:"request_id"`
}

func (f *Feature) handleRequestSignature(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, b signatureRequestBody) (commands.Result, any, error) {
			res, reqID, err := f.commands.RequestSignatureWithReason(ctx, meta, mux.Vars(r)["id"], b.SignerAccountID, b.Reason)
			return res, signatureRequested{Position: res.Position.String(), RequestID: reqID}, err
		}))
	})
}

type signBody struct {
	TAN    string `json:"tan"`
	Remark string `json:"remark"`
	Read   bool   `json:"read"`
}

// Validate bounds the fields before anything is looked up.
func (b *signBody) Validate() error {
	if len(b.TAN) > 16 {
		return cmd.ErrTANWrong
	}
	if len(b.Remark) > 4*doc.MaxRemark {
		return domain.Invalid("too_long", "remark", "The text is too long.", "De tekst is te lang.")
	}
	return nil
}

func (f *Feature) handleSign(s *api.Server, decline bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, b signBody) (commands.Result, any, error) {
			// The evidence: the consent text in the answer's language and
			// the connection (sealed by the command, never logged).
			in := cmd.Signature{TAN: b.TAN, Remark: b.Remark, ReadConfirmed: b.Read, ConsentLanguage: httpx.Language(r),
				Client: doc.CleanClient(httpx.ClientIP(r), r.UserAgent())}
			id := mux.Vars(r)["id"]
			if decline {
				res, err := f.commands.Decline(ctx, meta, id, in)
				return res, nil, err
			}
			res, err := f.commands.Sign(ctx, meta, id, in)
			return res, nil, err
		}))
	})
}
