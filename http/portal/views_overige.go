package portal

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// View models of the tab "Overige" (manual chapters 4 and 5): documents
// and invoices, digital signing with a TAN, and the hours report.

// ClientOption is a client in the back office's upload form.
type ClientOption struct{ ID, Name string }

// SignerOption is a client user the back office can ask to sign.
type SignerOption struct{ AccountID, Name, Email string }

// MaxDocumentSize is the largest file a document may have (manual ch. 4: 2 MB).
const MaxDocumentSize = 2 << 20

// Document kinds.
const (
	DocumentKindDocument = "document"
	DocumentKindInvoice  = "invoice"
)

// Document categories.
const (
	DocumentCategoryGeneral = "general"
	DocumentCategoryIDCopy  = "id_copy"
)

// Document signature states (DocumentRow.Signature).
const (
	SignatureNone      = ""          // no signature asked
	SignatureRequested = "requested" // waiting for the signer
	SignatureSigned    = "signed"    // Akkoord
	SignatureDeclined  = "declined"  // Niet akkoord
	// SignatureSuperseded: a new version was offered after the request or
	// its answer; the current version is not signed.
	SignatureSuperseded = "superseded"
)

// DocumentRow is one document in the list.
type DocumentRow struct {
	ID          string
	Kind        string // DocumentKindDocument or DocumentKindInvoice
	Title       string
	FileName    string
	ContentType string
	Size        int64
	ClientName  string
	WorkerName  string // when the document concerns one worker
	// Category is DocumentCategoryGeneral or DocumentCategoryIDCopy.
	Category string
	// Restricted: the actor may see that the document exists but not its
	// file (an ID copy is only for the back office and the worker it
	// belongs to: DESIGN "clients and intermediaries never receive ID
	// copies", even the client user who uploaded it).
	Restricted bool
	UploadedAt time.Time
	UploadedBy domain.Role
	Signature  string   // Signature* state
	Invoice    *Invoice // set for kind invoice
	Version    int      // the current version (1: the upload)
}

// DocumentVersion is one version of a document's file; the older ones
// stay downloadable.
type DocumentVersion struct {
	N          int
	FileName   string
	Size       int64
	AddedAt    time.Time
	AddedBy    domain.Role
	SHA256     string
	Restricted bool // the actor may not read the file (an ID copy)
}

// WorkerOption is a worker a client user can link an ID copy to.
type WorkerOption struct{ ID, Name string }

// Invoice is what an invoice adds to a document.
type Invoice struct {
	Number      string
	Date        time.Time
	AmountCents int64 // including VAT
}

// Document is one document with its signature request.
type Document struct {
	DocumentRow
	SHA256 string // of the file, hex
	// Request is the latest signature request, nil when none was made.
	Request *SignatureRequest
	// CanSign: the request is open, the actor is its signer and it is not
	// blocked by wrong TANs.
	CanSign bool
	// CanRequestSignature: the actor is the back office, the document is of
	// kind document and no ID copy, not signed, and has no open request
	// that is neither blocked nor expired.
	CanRequestSignature bool
	// Versions are every version, newest first.
	Versions []DocumentVersion
	// CanAddVersion: "een nieuwe versie aanbieden" (the back office, or a
	// client user for their company's documents; not for invoices).
	CanAddVersion bool
	// HasEvidence: the request was answered, so "Bewijs van ondertekening"
	// can be downloaded.
	HasEvidence bool
}

// SignatureRequest is a request to sign a document (manual §5.1).
type SignatureRequest struct {
	RequestedAt time.Time
	SignerName  string
	Status      string // SignatureRequested, SignatureSigned or SignatureDeclined
	DecidedAt   time.Time
	Remark      string // the signer's remark for the back office
	Blocked     bool   // too many wrong TANs: the back office must ask again
	Expired     bool   // still open but past its expiry: the back office must ask again
	Version     int    // the version asked to sign
	// TANChannel ("sms", "email") and TANAddress (masked): where the TAN
	// went, for the signer and the back office ("" before it was sent).
	TANChannel, TANAddress string
}

// DocumentFile is a document's content.
type DocumentFile struct {
	FileName    string
	ContentType string
	Content     []byte
}

// DocumentUpload is the form "document aanbieden".
type DocumentUpload struct {
	// ClientID, Kind and Invoice are the back office's: client users
	// upload documents for their own company.
	ClientID    string
	WorkerID    string   // optional: the worker the document concerns (one of the client's)
	Kind        string   // DocumentKindDocument ("" too) or DocumentKindInvoice
	Invoice     *Invoice // for kind invoice
	Title       string
	Category    string // DocumentCategoryGeneral (default) or DocumentCategoryIDCopy
	FileName    string
	ContentType string // as sent by the browser; the server may sniff and correct it
	Content     []byte
}

// Signature is the form of the signing screen (manual §5.2).
type Signature struct {
	TAN           string // the 4-letter verification code
	Remark        string // optional, for the back office
	ReadConfirmed bool   // "ik heb het document gelezen"
	// Lang is the language the consent text was shown in; IP and
	// UserAgent the signer's connection (for the signing evidence).
	Lang, IP, UserAgent string
}

// HoursReport is the report for a range of weeks.
type HoursReport struct {
	From, To   timesheet.ISOWeek
	HourTypes  []timesheet.HourType // the columns: every hour type with hours in the report
	Rows       []HoursReportRow     // ordered by worker name, then week
	Totals     map[string]timesheet.Minutes
	Total      timesheet.Minutes
	Kilometres int // claimed travel kilometres, all rows
}

// HoursReportRow is one timesheet in the report.
type HoursReportRow struct {
	Ref           Ref
	WorkerName    string
	ClientName    string
	Status        timesheet.Status // approved or imported
	Minutes       map[string]timesheet.Minutes
	Total         timesheet.Minutes
	ExpensesCents int64
	Kilometres    int // claimed travel kilometres
}
