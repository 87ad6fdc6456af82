package document

import (
	"encoding/hex"
	"path"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// AllowedContentTypes are the file types kept (sniffed by the command layer,
// never taken from the browser): documents and scans. Anything else, office
// formats and archives included, is refused so nothing executable or
// macro-laden is served back to other users.
var AllowedContentTypes = []string{
	"application/pdf",
	"image/png",
	"image/jpeg",
	"image/gif",
	"text/plain; charset=utf-8",
}

// TextNotUTF8 is what the upload's sniffing calls plain text that is not
// valid UTF-8 (Latin-1, Windows-1252): never allowed, never stored.
const TextNotUTF8 = "text/plain; charset=unknown-8bit"

// Allowed reports whether the content type is on the allow-list.
func Allowed(contentType string) bool {
	for _, c := range AllowedContentTypes {
		if c == contentType {
			return true
		}
	}
	return false
}

// Upload is "document aanbieden" (or the back office adding an invoice).
// ClientID and IntermediaryID come from the loaded client; the file facts
// from the stored file.
type Upload struct {
	DocumentID     string
	ClientID       string
	IntermediaryID string
	WorkerID       string // optional: the worker the document concerns
	Kind           Kind
	Category       Category
	Title          string
	FileName       string
	ContentType    string // sniffed
	Size           int64
	SHA256         string
	Invoice        *Invoice
}

// Errors of the file, all with Field "file".
var (
	ErrFileEmpty = domain.Invalid("file_empty", "file", "Choose a file; it must not be empty.",
		"Kies een bestand; het mag niet leeg zijn.")
	ErrFileTooLarge = domain.Invalid("file_too_large", "file", "The file is larger than 2 MB. Make pictures in the document smaller.",
		"Het bestand is groter dan 2 MB. Verklein eventueel plaatjes in het document.")
	// ErrTextNotUTF8 is ErrFileType for text in another encoding: said so,
	// because the user can fix it by saving the file again.
	ErrTextNotUTF8 = &domain.Error{Kind: domain.KindUnsupportedMedia, Code: "file_type_not_allowed", Field: "file",
		Message:   "The text file is not saved as UTF-8. Save it as UTF-8 (or as PDF) and upload it again.",
		MessageNL: "Het tekstbestand is niet als UTF-8 opgeslagen. Sla het op als UTF-8 (of als PDF) en bied het opnieuw aan."}
	// ErrFileType is 415: refused by sniffed content or by file name.
	ErrFileType = &domain.Error{Kind: domain.KindUnsupportedMedia, Code: "file_type_not_allowed", Field: "file",
		Message:   "Only PDF, PNG, JPEG, GIF and plain text files can be uploaded.",
		MessageNL: "Alleen PDF-, PNG-, JPEG-, GIF- en tekstbestanden kunnen worden aangeboden."}
)

// Upload records the upload. A client user may offer documents (not
// invoices) for their own company; the back office anything for any
// client; nobody else.
func (d *Document) Upload(actor domain.Actor, cmd Upload, now time.Time) ([]domain.Event, error) {
	switch {
	case isStaff(actor):
	case actor.Role == domain.RoleClient:
		if actor.ClientID == "" || actor.ClientID != cmd.ClientID {
			return nil, domain.ErrNotFound
		}
		if cmd.Kind == KindInvoice {
			return nil, Forbidden
		}
	default:
		return nil, Forbidden
	}
	if err := validate.NewID("document_id", cmd.DocumentID, d.uploaded, errExists); err != nil {
		return nil, err
	}
	if err := validate.ID("client_id", cmd.ClientID); err != nil {
		return nil, err
	}
	if cmd.WorkerID != "" {
		if err := validate.ID("worker_id", cmd.WorkerID); err != nil {
			return nil, err
		}
	}
	ev := &Uploaded{DocumentID: cmd.DocumentID, ClientID: cmd.ClientID, IntermediaryID: cmd.IntermediaryID,
		WorkerID: cmd.WorkerID, Kind: cmd.Kind, Category: cmd.Category, ContentType: cmd.ContentType,
		Size: cmd.Size}
	if ev.Category == "" {
		ev.Category = CategoryGeneral
	}
	switch ev.Kind {
	case KindDocument:
		if cmd.Invoice != nil {
			return nil, domain.Invalid("invoice_fields_not_allowed", "kind", "Only an invoice has an invoice number, date and amount.",
				"Alleen een factuur heeft een factuurnummer, -datum en -bedrag.")
		}
	case KindInvoice:
		if ev.Category != CategoryGeneral {
			return nil, domain.Invalid("category_invalid", "category", "An invoice cannot be an ID copy.", "Een factuur kan geen kopie ID-bewijs zijn.")
		}
		inv, err := validInvoice(cmd.Invoice)
		if err != nil {
			return nil, err
		}
		ev.Invoice = inv
	default:
		return nil, domain.Invalid("kind_invalid", "kind", "The kind must be document or invoice.", "Het soort moet document of factuur zijn.")
	}
	if ev.Category != CategoryGeneral && ev.Category != CategoryIDCopy {
		return nil, domain.Invalid("category_invalid", "category", "The category must be general or id_copy.",
			"De categorie moet algemeen of kopie ID-bewijs zijn.")
	}
	title, err := validate.Text("title", cmd.Title, 200)
	if err != nil {
		return nil, err
	}
	ev.Title = title
	if ev.FileName, ev.SHA256, err = checkFile(cmd.FileName, cmd.ContentType, cmd.Size, cmd.SHA256); err != nil {
		return nil, err
	}
	return []domain.Event{ev}, nil
}

// checkFile checks an offered file, the first version or a later one, and
// returns its cleaned name and its lower-case SHA-256.
func checkFile(fileName, contentType string, size int64, sha256 string) (name, sum string, err error) {
	switch {
	case size <= 0:
		return "", "", ErrFileEmpty
	case size > MaxSize:
		return "", "", ErrFileTooLarge
	case contentType == TextNotUTF8:
		return "", "", ErrTextNotUTF8
	case !Allowed(contentType):
		return "", "", ErrFileType
	}
	name = CleanFileName(fileName, contentType)
	if ActiveName(name) {
		return "", "", ErrFileType
	}
	sum = strings.ToLower(sha256)
	if b, err := hex.DecodeString(sum); err != nil || len(b) != 32 {
		return "", "", domain.Invalid("sha256_invalid", "file", "The file's checksum is invalid.", "De controlesom van het bestand is ongeldig.")
	}
	return name, sum, nil
}

func validInvoice(in *Invoice) (*Invoice, error) {
	if in == nil {
		return nil, domain.Invalid("required", "invoice_number", "An invoice needs a number, a date and an amount.",
			"Een factuur heeft een nummer, een datum en een bedrag nodig.")
	}
	num, err := validate.Text("invoice_number", in.Number, 50)
	if err != nil {
		return nil, err
	}
	if in.Date.IsZero() {
		return nil, domain.Invalid("required", "invoice_date", "The invoice date is required.", "De factuurdatum is verplicht.")
	}
	const maxAmount = 100_000_000_00 // 100 million euros: beyond any invoice of ours
	if in.AmountCents < -maxAmount || in.AmountCents > maxAmount {
		return nil, domain.Invalid("amount_out_of_range", "amount_cents", "The amount is out of range.", "Het bedrag is te groot.")
	}
	y, m, dd := in.Date.UTC().Date()
	return &Invoice{Number: num, Date: time.Date(y, m, dd, 0, 0, 0, 0, time.UTC), AmountCents: in.AmountCents}, nil
}

// CleanFileName keeps the base name of what the browser sent, without
// control, format or bidi characters, noncharacters or quotes, at most 120
// characters; an empty result becomes "document" with the content type's
// extension.
func CleanFileName(name, contentType string) string {
	name = strings.ReplaceAll(name, `\`, "/") // Windows paths
	name = path.Base(strings.TrimSpace(name))
	var b strings.Builder
	for _, r := range name {
		if invisible(r) || domain.UnsafeRune(r) || r == '"' || r == '/' {
			continue
		}
		b.WriteRune(r)
	}
	name = strings.TrimSpace(b.String())
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:]) // keep the extension
	}
	if name == "" || name == "." || name == ".." {
		name = "document" + extension(contentType)
	}
	return name
}

func extension(contentType string) string {
	switch contentType {
	case "application/pdf":
		return ".pdf"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "text/plain; charset=utf-8":
		return ".txt"
	}
	return ""
}

var errExists = domain.Conflict("document_exists", "The document exists already.", "Het document bestaat al.")
