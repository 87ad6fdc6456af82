package document

import (
	"fmt"
	"slices"
	"time"

	"backoffice/domain"
)

// StreamPrefix starts the stream name of every document.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "document-"

// Stream returns the stream name of a document.
func Stream(id string) string { return StreamPrefix + id }

// Limits.
const (
	// MaxSize is the largest file (manual ch. 4: 2 MB).
	MaxSize = 2 << 20
	// SignatureTTL is how long a signature request (and its TAN) stays open.
	SignatureTTL = 14 * 24 * time.Hour
	// MaxRemark bounds the signer's remark.
	MaxRemark = 1000
)

// RequestStatus is the state of a signature request.
type RequestStatus string

const (
	RequestOpen     RequestStatus = "requested"
	RequestSigned   RequestStatus = "signed"
	RequestDeclined RequestStatus = "declined"
	// RequestSuperseded: a new version was offered while the request was
	// open; it can no longer be answered.
	RequestSuperseded RequestStatus = "superseded"
)

// Request is a signature request as the aggregate knows it.
type Request struct {
	ID        string
	Signer    string // account ID
	ExpiresAt time.Time
	Status    RequestStatus
	Version   int    // the version asked to sign
	SHA256    string // its file
	Openings  int    // SigningOpened events recorded
	// TANIssued: its TAN was sent (document.tan_issued), by TANChannel.
	TANIssued  bool
	TANChannel TANChannel
}

// OpenAt reports whether the request can still be signed or declined at now.
func (r Request) OpenAt(now time.Time) bool {
	return r.ID != "" && r.Status == RequestOpen && now.Before(r.ExpiresAt)
}

// Document is the aggregate state.
type Document struct {
	id             string
	clientID       string
	intermediaryID string
	workerID       string
	kind           Kind
	category       Category
	title          string
	sha256         string
	fileName       string
	contentType    string
	size           int64
	version        int      // 1 after the upload, +1 per VersionAdded
	files          []string // SHA-256 of every version, oldest first
	uploaded       bool
	invoiceNumber  string // an invoice's number ("" for a document)

	request Request // the latest request; zero when none was made
	// previousRequestID is the request's before the latest ("" for the
	// first): a retried request is told by it (commands/document).
	previousRequestID string
}

// Apply folds one event into the state: the only place state changes.
func (d *Document) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Uploaded:
		d.id, d.clientID, d.intermediaryID, d.workerID = e.DocumentID, e.ClientID, e.IntermediaryID, e.WorkerID
		d.kind, d.category, d.title, d.sha256, d.uploaded = e.Kind, e.Category, e.Title, e.SHA256, true
		d.fileName, d.contentType, d.size, d.version = e.FileName, e.ContentType, e.Size, 1
		d.files = append(d.files, e.SHA256)
		if e.Invoice != nil {
			d.invoiceNumber = e.Invoice.Number
		}
	case *VersionAdded:
		d.version, d.sha256, d.fileName, d.contentType, d.size = e.Version, e.SHA256, e.FileName, e.ContentType, e.Size
		d.files = append(d.files, e.SHA256)
		if e.SupersededRequestID != "" && e.SupersededRequestID == d.request.ID && d.request.Status == RequestOpen {
			d.request.Status = RequestSuperseded
		}
	case *SignatureRequested:
		// A request recorded before versions existed was on the file then
		// current: the upload.
		v, sum := e.Version, e.SHA256
		if v == 0 {
			v, sum = d.version, d.sha256
		}
		d.previousRequestID = d.request.ID
		d.request = Request{ID: e.RequestID, Signer: e.SignerAccountID, ExpiresAt: e.ExpiresAt, Status: RequestOpen, Version: v, SHA256: sum}
	case *SigningOpened:
		if d.request.ID == e.RequestID {
			d.request.Openings++
		}
	case *TANRejected:
		// Evidence only: the attempts are counted where the TAN is checked.
	case *Signed:
		if d.request.ID == e.RequestID {
			d.request.Status = RequestSigned
		}
	case *SignatureDeclined:
		if d.request.ID == e.RequestID {
			d.request.Status = RequestDeclined
		}
	case *TANIssued:
		d.applyTANIssued(e)
	default:
		return fmt.Errorf("document: cannot apply %T", e)
	}
	return nil
}

// InvoiceNumber is an invoice's number ("" for a document). Numbers are
// unique per client, a set rule the command layer keeps (commands/document
// claimInvoiceNumber); streams from before it may share one and fold all
// the same.
func (d *Document) InvoiceNumber() string { return d.invoiceNumber }

// ID returns the document ID ("" before upload).
func (d *Document) ID() string { return d.id }

// Exists reports whether the document was uploaded.
func (d *Document) Exists() bool { return d.uploaded }

// ClientID returns the client the document belongs to.
func (d *Document) ClientID() string { return d.clientID }

// IntermediaryID returns the intermediary of the document's client.
func (d *Document) IntermediaryID() string { return d.intermediaryID }

// WorkerID returns the worker the document concerns ("" for none).
func (d *Document) WorkerID() string { return d.workerID }

// Kind returns the document's kind.
func (d *Document) Kind() Kind { return d.kind }

// Category returns the document's category.
func (d *Document) Category() Category { return d.category }

// Title returns the title.
func (d *Document) Title() string { return d.title }

// SHA256 returns the hex SHA-256 of the current version's file.
func (d *Document) SHA256() string { return d.sha256 }

// HasFile reports whether a version of the document has this content.
func (d *Document) HasFile(sha string) bool { return slices.Contains(d.files, sha) }

// Version returns the current version (1 after the upload).
func (d *Document) Version() int { return d.version }

// Request returns the latest signature request (zero when none).
func (d *Document) Request() Request { return d.request }

// PreviousRequestID returns the ID of the request before the latest ("" when
// the latest is the first).
func (d *Document) PreviousRequestID() string { return d.previousRequestID }

func (d *Document) mustExist() error {
	if !d.uploaded {
		return domain.ErrNotFound
	}
	return nil
}

// Forbidden is returned when the actor may see the document but not do this.
var Forbidden = domain.Forbidden("forbidden", "You are not allowed to do this.", "U heeft hiervoor geen rechten.")

// isStaff: the bureau itself.
func isStaff(a domain.Actor) bool { return a.Is(domain.RoleBackoffice, domain.RoleSystem) }
