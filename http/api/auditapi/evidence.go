package auditapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/gorilla/mux"

	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
	"backoffice/http/api"
	"backoffice/http/httpx"
)

// Evidence is what the "Bewijs van ondertekening" shows of a signed or
// declined document, all taken from the ledger: the document and its
// SHA-256 as uploaded, the signature request, the answer with the SHA-256 of
// the file as answered, every event of the document's stream with its
// position and hash, whether the stream's hash chain verifies, and the
// first recorded global digest that covers the answer.
type Evidence struct {
	DocumentID, Title, FileName string
	Kind, Category              string
	Size                        int64
	UploadSHA256                string
	RequestID, Signer           string
	RequestedAt, ExpiresAt      time.Time
	Outcome                     string // "signed" or "declined"
	AnsweredAt                  time.Time
	AnsweredBy                  string // the account that answered
	Remark                      string
	AnsweredSHA256              string
	Trail                       []eventstore.RecordedEvent
	ChainIntact                 bool
	ChainProblem                string
	Digest                      *ledger.Record
}

var errNotAnswered = domain.Conflict("not_answered", "the document has no signed or declined signature request yet",
	"Het document is nog niet ondertekend of geweigerd.")

// gatherEvidence reads the document's stream and the digests. Outside the
// reader's sight (auditor, back office, or whoever may see the document)
// the document is not found.
func gatherEvidence(ctx context.Context, d Deps, reader domain.Actor, id string) (Evidence, error) {
	var ev Evidence
	recs, err := d.Store.ReadStream(ctx, doc.Stream(id), eventstore.ReadStreamOptions{})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return ev, domain.ErrNotFound
	}
	if err != nil {
		return ev, err
	}
	state := &doc.Document{}
	for _, rec := range recs {
		e, err := doc.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return ev, fmt.Errorf("auditapi: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		if err := state.Apply(e); err != nil {
			return ev, err
		}
		switch e := e.(type) {
		case *doc.Uploaded:
			ev.DocumentID, ev.Title, ev.FileName = e.DocumentID, e.Title, e.FileName
			ev.Kind, ev.Category, ev.Size, ev.UploadSHA256 = string(e.Kind), string(e.Category), e.Size, e.SHA256
		case *doc.SignatureRequested:
			ev.RequestID, ev.Signer, ev.ExpiresAt, ev.RequestedAt = e.RequestID, e.SignerAccountID, e.ExpiresAt, rec.Metadata.OccurredAt
			ev.Outcome = ""
		case *doc.Signed:
			ev.Outcome, ev.AnsweredAt, ev.AnsweredBy, ev.Remark, ev.AnsweredSHA256 = "signed", rec.Metadata.OccurredAt, rec.Metadata.ActorID, e.Remark, e.SHA256
		case *doc.SignatureDeclined:
			ev.Outcome, ev.AnsweredAt, ev.AnsweredBy, ev.Remark, ev.AnsweredSHA256 = "declined", rec.Metadata.OccurredAt, rec.Metadata.ActorID, e.Remark, e.SHA256
		}
	}
	if !state.Exists() || !(reader.Is(domain.RoleAuditor, domain.RoleBackoffice) ||
		doc.CanSee(reader, state.ClientID(), state.IntermediaryID(), state.WorkerID())) {
		return ev, domain.ErrNotFound
	}
	if ev.Outcome == "" {
		return ev, errNotAnswered
	}
	ev.Trail = recs
	ev.ChainIntact = true
	if err := eventstore.VerifyStream(recs); err != nil {
		ev.ChainIntact, ev.ChainProblem = false, err.Error()
	}
	digests, err := ledger.Records(ctx, d.Pool)
	if err != nil {
		return ev, err
	}
	last := recs[len(recs)-1].Position
	for i := range digests {
		if !digests[i].Position.Before(last) {
			ev.Digest = &digests[i]
			break
		}
	}
	return ev, nil
}

// renderEvidence writes the evidence as a PDF (A4, Dutch). compress is off
// only in tests, to read the text back.
func renderEvidence(ev Evidence, compress bool, now time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compress)
	pdf.SetCreationDate(now)
	pdf.SetTitle("Bewijs van ondertekening "+ev.DocumentID, true)
	pdf.SetCreator("Backofficebureau", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: Dutch text; other runes print as '?'
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 10, tr("Bewijs van ondertekening"), "", 1, "L", false, 0, "")
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05.000000 UTC")
	}
	row := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(48, 5, tr(label), "", 0, "L", false, 0, "")
		pdf.SetFont("Courier", "", 8.5)
		pdf.MultiCell(0, 5, tr(value), "", "L", false)
	}
	section := func(title string) {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.CellFormat(0, 7, tr(title), "B", 1, "L", false, 0, "")
		pdf.Ln(1)
	}
	section("Document")
	row("Document", ev.DocumentID)
	row("Titel", ev.Title)
	row("Bestand", fmt.Sprintf("%s (%d bytes)", ev.FileName, ev.Size))
	row("Soort", ev.Kind+" / "+ev.Category)
	row("SHA-256 (geupload)", ev.UploadSHA256)
	section("Verzoek en antwoord")
	row("Verzoek", ev.RequestID)
	row("Ondertekenaar (account)", ev.Signer)
	row("Gevraagd op", when(ev.RequestedAt))
	row("Geldig tot", when(ev.ExpiresAt))
	outcome := map[string]string{"signed": "Akkoord (ondertekend)", "declined": "Niet akkoord (geweigerd)"}[ev.Outcome]
	row("Antwoord", outcome)
	row("Beantwoord op", when(ev.AnsweredAt))
	row("Beantwoord door (account)", ev.AnsweredBy)
	row("SHA-256 (beantwoord)", ev.AnsweredSHA256)
	same := "ja"
	if ev.AnsweredSHA256 != ev.UploadSHA256 {
		same = "NEE"
	}
	row("Zelfde bestand", same)
	if ev.Remark != "" {
		row("Opmerking", ev.Remark)
	}
	section("Grootboek")
	chain := "intact: elke gebeurtenis past in de hashketen van het document"
	if !ev.ChainIntact {
		chain = "NIET INTACT: " + ev.ChainProblem
	}
	row("Hashketen", chain)
	if ev.Digest != nil {
		row("Globale digest", fmt.Sprintf("%s@%s (%d gebeurtenissen, vastgelegd %s)", ev.Digest.Digest, ev.Digest.Position,
			ev.Digest.Events, when(ev.Digest.RecordedAt)))
	} else {
		row("Globale digest", "nog geen digest vastgelegd na het antwoord")
	}
	section("Gebeurtenissen")
	for _, rec := range ev.Trail {
		row(fmt.Sprintf("%d. %s", rec.Revision, rec.Type), fmt.Sprintf("positie %s; %s; %s %s\nvastgelegd %s\nhash %s",
			rec.Position, when(rec.Metadata.OccurredAt), rec.Metadata.ActorRole, rec.Metadata.ActorID, when(rec.Created), rec.Hash))
	}
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "I", 8)
	pdf.MultiCell(0, 4, tr(fmt.Sprintf("Opgemaakt %s uit het grootboek van Backofficebureau. Controleer de hashes met `backoffice verify` "+
		"of met de exportcontrole in docs/audit.md.", when(now))), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("auditapi: evidence PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// handleEvidence is GET /audit/documents/{id}/evidence.pdf: the evidence of
// a signed or declined document, for the auditor token, the back office and
// whoever may see the document.
func (f *Feature) handleEvidence(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := s.Actor(w, r)
		if !ok {
			return
		}
		id := mux.Vars(r)["id"]
		ev, err := gatherEvidence(r.Context(), f.d, actor, id)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		b, err := renderEvidence(ev, true, s.Clock())
		if err != nil {
			s.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		name := httpx.SafeFileName("bewijs-van-ondertekening-"+id+".pdf", "bewijs-van-ondertekening.pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		_, _ = w.Write(b)
	})
}
