// Package evidence is the "Bewijs van ondertekening" (issue 14 §8;
// docs/audit.md §8): for a signed or declined document, a PDF built from
// the ledger alone (not the read model): the document and its versions with
// their SHA-256, the signature request with the version and file it named,
// the trail of that request (signing screen opened, wrong TANs, the answer)
// with times and the signer's connection, the consent text's hash, every
// event of the stream with its position and hash, whether the stream's hash
// chain verifies, and the first recorded global digest that covers it.
//
// The JSON API (auditapi) and the portal serve the same report. The
// signer's IP address and user agent are sealed in the events; they are
// opened (Unsealer) only for the auditor, the back office and the signer
// themselves, and read "gewist" once the signer's key was erased.
package evidence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/image/font/gofont/gomono"

	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
)

// Unsealer opens a sealed connection (identity.Vault.Unseal).
type Unsealer interface {
	Unseal(ctx context.Context, subject, sealed string, dst any) error
}

// Reader gathers evidence from the event store and the recorded digests.
type Reader struct {
	store  eventstore.Store
	pool   *pgxpool.Pool
	unseal Unsealer
}

// New returns a Reader; store and pool are required, unseal may be nil
// (connections then read "niet beschikbaar").
func New(store eventstore.Store, pool *pgxpool.Pool, unseal Unsealer) (*Reader, error) {
	if store == nil || pool == nil {
		return nil, errors.New("evidence: store and pool are required")
	}
	return &Reader{store: store, pool: pool, unseal: unseal}, nil
}

// Version is one version of the document's file as the ledger has it.
type Version struct {
	N        int
	FileName string
	Size     int64
	SHA256   string
	At       time.Time
}

// Step is one thing that happened to the signature request.
type Step struct {
	At         time.Time
	What       string // Dutch
	Actor      string // account ID
	Connection string // "IP, user agent", or why it is not shown
}

// Evidence is what the report shows.
type Evidence struct {
	DocumentID, Title, FileName string
	Kind, Category              string
	Size                        int64
	UploadSHA256                string
	Versions                    []Version
	RequestID, Signer           string
	RequestVersion              int
	RequestSHA256               string
	RequestedAt, ExpiresAt      time.Time
	Outcome                     string // "signed" or "declined"
	AnsweredAt                  time.Time
	AnsweredBy                  string // the account that answered
	Remark                      string
	AnsweredSHA256              string
	AnsweredVersion             int
	ConsentSHA256               string
	ConsentText                 string // "" when the hash names no known text
	Steps                       []Step // of the answered request
	Trail                       []eventstore.RecordedEvent
	ChainIntact                 bool
	ChainProblem                string
	Digest                      *ledger.Record
}

// ErrNotAnswered: nothing signed or declined yet.
var ErrNotAnswered = domain.Conflict("not_answered", "the document has no signed or declined signature request yet",
	"Het document is nog niet ondertekend of geweigerd.")

// MayRead reports whether reader may fetch the evidence of a document of
// these tenants: the auditor token, the back office, and whoever may see
// the document.
func MayRead(reader domain.Actor, clientID, intermediaryID, workerID string) bool {
	return reader.Is(domain.RoleAuditor, domain.RoleBackoffice) || doc.CanSee(reader, clientID, intermediaryID, workerID)
}

// Gather reads the document's stream and the digests. Outside the reader's
// sight the document is not found.
func (r *Reader) Gather(ctx context.Context, reader domain.Actor, id string) (Evidence, error) {
	var ev Evidence
	recs, err := r.store.ReadStream(ctx, doc.Stream(id), eventstore.ReadStreamOptions{})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return ev, domain.ErrNotFound
	}
	if err != nil {
		return ev, err
	}
	state := &doc.Document{}
	decoded := make([]domain.Event, 0, len(recs))
	for _, rec := range recs {
		e, err := doc.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return ev, fmt.Errorf("evidence: %s revision %d: %w", rec.Stream, rec.Revision, err)
		}
		if err := state.Apply(e); err != nil {
			return ev, err
		}
		decoded = append(decoded, e)
	}
	if !state.Exists() || !MayRead(reader, state.ClientID(), state.IntermediaryID(), state.WorkerID()) {
		return ev, domain.ErrNotFound
	}
	// Opened only for those entitled to the signer's personal data.
	seesConnection := func(signer string) bool {
		return reader.Is(domain.RoleAuditor, domain.RoleBackoffice) || (reader.AccountID != "" && reader.AccountID == signer)
	}
	connection := func(s *doc.Sealed, signer string) string {
		switch {
		case s == nil:
			return "niet vastgelegd"
		case !seesConnection(signer):
			return "alleen zichtbaar voor Backofficebureau, de auditor en de ondertekenaar"
		case r.unseal == nil:
			return "niet beschikbaar"
		}
		var c doc.ClientInfo
		if err := r.unseal.Unseal(ctx, s.Subject, s.Ciphertext, &c); err != nil {
			return "gewist of onleesbaar (persoonsgegevens)"
		}
		return fmt.Sprintf("IP %s; %s", orDash(c.IP), orDash(c.UserAgent))
	}
	for i, e := range decoded {
		rec := recs[i]
		at := rec.Metadata.OccurredAt
		switch e := e.(type) {
		case *doc.Uploaded:
			ev.DocumentID, ev.Title, ev.FileName = e.DocumentID, e.Title, e.FileName
			ev.Kind, ev.Category, ev.Size, ev.UploadSHA256 = string(e.Kind), string(e.Category), e.Size, e.SHA256
			ev.Versions = append(ev.Versions, Version{N: 1, FileName: e.FileName, Size: e.Size, SHA256: e.SHA256, At: at})
		case *doc.VersionAdded:
			ev.Versions = append(ev.Versions, Version{N: e.Version, FileName: e.FileName, Size: e.Size, SHA256: e.SHA256, At: at})
			if e.SupersededRequestID != "" && e.SupersededRequestID == ev.RequestID {
				ev.Steps = append(ev.Steps, Step{At: at, What: fmt.Sprintf("vervallen: nieuwe versie %d aangeboden", e.Version),
					Actor: rec.Metadata.ActorID})
			}
		case *doc.SignatureRequested:
			cur := ev.Versions[len(ev.Versions)-1]
			ev.RequestID, ev.Signer, ev.ExpiresAt, ev.RequestedAt = e.RequestID, e.SignerAccountID, e.ExpiresAt, at
			ev.RequestVersion, ev.RequestSHA256 = e.Version, e.SHA256
			if e.Version == 0 { // before versions: the file current then
				ev.RequestVersion, ev.RequestSHA256 = cur.N, cur.SHA256
			}
			ev.Outcome, ev.Steps = "", []Step{{At: at, What: fmt.Sprintf("verzoek tot ondertekening van versie %d", ev.RequestVersion),
				Actor: rec.Metadata.ActorID}}
		case *doc.SigningOpened:
			if e.RequestID == ev.RequestID {
				ev.Steps = append(ev.Steps, Step{At: at, What: "ondertekenscherm geopend", Actor: rec.Metadata.ActorID,
					Connection: connection(e.Client, ev.Signer)})
			}
		case *doc.TANRejected:
			if e.RequestID == ev.RequestID {
				what := fmt.Sprintf("onjuiste verificatiecode (poging %d)", e.Attempt)
				if e.Blocked {
					what += "; verzoek geblokkeerd"
				}
				ev.Steps = append(ev.Steps, Step{At: at, What: what, Actor: rec.Metadata.ActorID, Connection: connection(e.Client, ev.Signer)})
			}
		case *doc.Signed:
			if e.RequestID == ev.RequestID {
				ev.answer("signed", rec, e.Remark, e.SHA256, e.Evidence)
				ev.Steps = append(ev.Steps, Step{At: at, What: "Akkoord (ondertekend)", Actor: rec.Metadata.ActorID,
					Connection: connection(e.Client, ev.Signer)})
			}
		case *doc.SignatureDeclined:
			if e.RequestID == ev.RequestID {
				ev.answer("declined", rec, e.Remark, e.SHA256, e.Evidence)
				ev.Steps = append(ev.Steps, Step{At: at, What: "Niet akkoord (geweigerd)", Actor: rec.Metadata.ActorID,
					Connection: connection(e.Client, ev.Signer)})
			}
		case *doc.TANIssued:
			if e.RequestID == ev.RequestID {
				how := "per e-mail"
				if e.Channel == doc.ChannelSMS {
					how = "per sms"
				}
				ev.Steps = append(ev.Steps, Step{At: at, What: "verificatiecode verstuurd " + how + " naar " + orDash(e.MaskedAddress),
					Actor: rec.Metadata.ActorID})
			}
		default:
			// An event type this report does not describe is in the trail
			// below with its position and hash.
		}
	}
	if ev.Outcome == "" {
		return ev, ErrNotAnswered
	}
	ev.Trail = recs
	ev.ChainIntact = true
	if err := eventstore.VerifyStream(recs); err != nil {
		ev.ChainIntact, ev.ChainProblem = false, err.Error()
	}
	digests, err := ledger.Records(ctx, r.pool)
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

func (ev *Evidence) answer(outcome string, rec eventstore.RecordedEvent, remark, sha string, e doc.Evidence) {
	ev.Outcome, ev.AnsweredAt, ev.AnsweredBy, ev.Remark, ev.AnsweredSHA256 = outcome, rec.Metadata.OccurredAt, rec.Metadata.ActorID, remark, sha
	ev.AnsweredVersion = e.Version
	if ev.AnsweredVersion == 0 {
		ev.AnsweredVersion = ev.RequestVersion
	}
	ev.ConsentSHA256, ev.ConsentText = e.ConsentSHA256, doc.ConsentHistory()[e.ConsentSHA256]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// PDF gathers the evidence and renders it.
func (r *Reader) PDF(ctx context.Context, reader domain.Actor, id string, now time.Time) ([]byte, error) {
	ev, err := r.Gather(ctx, reader, id)
	if err != nil {
		return nil, err
	}
	return Render(ev, true, now)
}

// Render writes the evidence as a PDF (A4, Dutch). compress is off only in
// tests, to read the text back.
func Render(ev Evidence, compress bool, now time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compress)
	pdf.SetCreationDate(now)
	pdf.SetTitle("Bewijs van ondertekening "+ev.DocumentID, true)
	pdf.SetCreator("Backofficebureau", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: the labels and most Dutch text
	// A value with a rune cp1252 lacks (Yılmaz, Łukasz, Ştefan, a Greek or
	// Cyrillic name, a user agent) is written in Go Mono, embedded as a
	// UTF-8 font, instead of printing that rune as '?' in the evidence.
	unicodeFont := false
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 10, tr("Bewijs van ondertekening"), "", 1, "L", false, 0, "")
	if !ev.ChainIntact {
		// First, before any fact below: they come from events of which at
		// least one was changed behind the application's back.
		pdf.SetFont("Helvetica", "B", 11)
		pdf.SetTextColor(180, 0, 0)
		pdf.MultiCell(0, 6, tr("LET OP: de hashketen van dit document is NIET INTACT. Een of meer gebeurtenissen zijn na "+
			"vastlegging gewijzigd; wat hieronder staat bewijst niets. Zie de regel Hashketen en `backoffice verify`."), "", "L", false)
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(2)
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05.000000 UTC")
	}
	row := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(48, 5, tr(label), "", 0, "L", false, 0, "")
		if cp1252(value) {
			pdf.SetFont("Courier", "", 8.5)
			pdf.MultiCell(0, 5, tr(value), "", "L", false)
			return
		}
		if !unicodeFont {
			pdf.AddUTF8FontFromBytes("gomono", "", gomono.TTF)
			unicodeFont = true
		}
		pdf.SetFont("gomono", "", 8.5)
		pdf.MultiCell(0, 5, bmp(value), "", "L", false)
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
	for _, v := range ev.Versions {
		row(fmt.Sprintf("Versie %d", v.N), fmt.Sprintf("%s (%d bytes), %s\nSHA-256 %s", v.FileName, v.Size, when(v.At), v.SHA256))
	}
	section("Verzoek en antwoord")
	row("Verzoek", ev.RequestID)
	row("Ondertekenaar (account)", ev.Signer)
	row("Gevraagd op", when(ev.RequestedAt))
	row("Geldig tot", when(ev.ExpiresAt))
	row("Gevraagd voor", fmt.Sprintf("versie %d, SHA-256 %s", ev.RequestVersion, ev.RequestSHA256))
	outcome := map[string]string{"signed": "Akkoord (ondertekend)", "declined": "Niet akkoord (geweigerd)"}[ev.Outcome]
	row("Antwoord", outcome)
	row("Beantwoord op", when(ev.AnsweredAt))
	row("Beantwoord door (account)", ev.AnsweredBy)
	row("Versie (beantwoord)", fmt.Sprint(ev.AnsweredVersion))
	row("SHA-256 (beantwoord)", ev.AnsweredSHA256)
	same := "ja"
	if ev.AnsweredSHA256 != ev.RequestSHA256 {
		same = "NEE"
	}
	row("Zelfde bestand", same)
	if ev.Remark != "" {
		row("Opmerking", ev.Remark)
	}
	switch {
	case ev.ConsentSHA256 == "":
		row("Toestemmingstekst", "niet vastgelegd (antwoord van voor de vastlegging)")
	case ev.ConsentText == "":
		row("Toestemmingstekst", "SHA-256 "+ev.ConsentSHA256+" (tekst onbekend in deze versie)")
	default:
		row("Toestemmingstekst", fmt.Sprintf("\"%s\"\nSHA-256 %s", ev.ConsentText, ev.ConsentSHA256))
	}
	section("Verloop van het verzoek")
	for _, s := range ev.Steps {
		v := s.What + "\n" + when(s.At) + "; account " + orDash(s.Actor)
		if s.Connection != "" {
			v += "\nverbinding: " + s.Connection
		}
		row(s.At.UTC().Format("2006-01-02 15:04:05"), v)
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
		return nil, fmt.Errorf("evidence: PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// cp1252 reports whether every rune of s is in Windows-1252, which the
// PDF's standard fonts (Helvetica, Courier) can show.
func cp1252(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x80 || r >= 0xA0 && r <= 0xFF:
		case strings.ContainsRune("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", r):
		default:
			return false
		}
	}
	return true
}

// bmp replaces the runes beyond the Basic Multilingual Plane (emoji),
// which the PDF library's Unicode fonts cannot hold, with '?'.
func bmp(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return '?'
		}
		return r
	}, s)
}
