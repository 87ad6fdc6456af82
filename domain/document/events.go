package document

import (
	"time"

	"backoffice/domain"
)

// Stored event type names.
//
// WARNING: these strings are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeUploaded           = "document.uploaded"
	TypeSignatureRequested = "document.signature_requested"
	TypeSigned             = "document.signed"
	TypeSignatureDeclined  = "document.signature_declined"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(&Uploaded{}, &SignatureRequested{}, &Signed{}, &SignatureDeclined{},
	&TANIssued{}, // tan.go
)

// Kind of a document. Stored: never rename.
type Kind string

const (
	KindDocument Kind = "document"
	KindInvoice  Kind = "invoice"
)

// Category of a document. Stored: never rename.
type Category string

const (
	CategoryGeneral Category = "general"
	// CategoryIDCopy is a copy of an identity document: its file is only
	// for the back office and the worker it concerns.
	CategoryIDCopy Category = "id_copy"
)

// Invoice is what an invoice adds to a document.
type Invoice struct {
	Number      string    `json:"number"`
	Date        time.Time `json:"date"`         // a date (midnight UTC)
	AmountCents int64     `json:"amount_cents"` // including VAT
}

// Uploaded: a file was offered for a client. The content lives in the
// document_files table under DocumentID and SHA256 (hex), which fixes it.
type Uploaded struct {
	DocumentID     string   `json:"document_id"`
	ClientID       string   `json:"client_id"`
	IntermediaryID string   `json:"intermediary_id"` // the client's, for scoping
	WorkerID       string   `json:"worker_id,omitempty"`
	Kind           Kind     `json:"kind"`
	Category       Category `json:"category"`
	Title          string   `json:"title"`
	FileName       string   `json:"file_name"`
	ContentType    string   `json:"content_type"`
	Size           int64    `json:"size"`
	SHA256         string   `json:"sha256"`
	Invoice        *Invoice `json:"invoice,omitempty"`
}

// SignatureRequested: the back office asks SignerAccountID to sign. It
// replaces any earlier (declined or expired) request.
type SignatureRequested struct {
	DocumentID      string    `json:"document_id"`
	RequestID       string    `json:"request_id"`
	SignerAccountID string    `json:"signer_account_id"`
	ExpiresAt       time.Time `json:"expires_at"`
	// ReissueReason is the back office's reason for asking again after
	// MaxTANReissues blocked codes on the document (empty before that).
	ReissueReason string `json:"reissue_reason,omitempty"`
}

// Signed: "Akkoord" with the right TAN. SHA256 is the file as signed.
type Signed struct {
	DocumentID string `json:"document_id"`
	RequestID  string `json:"request_id"`
	Remark     string `json:"remark,omitempty"`
	SHA256     string `json:"sha256"`
}

// SignatureDeclined: "Niet akkoord" with the right TAN.
type SignatureDeclined struct {
	DocumentID string `json:"document_id"`
	RequestID  string `json:"request_id"`
	Remark     string `json:"remark,omitempty"`
	SHA256     string `json:"sha256"`
}

func (*Uploaded) EventType() string           { return TypeUploaded }
func (*SignatureRequested) EventType() string { return TypeSignatureRequested }
func (*Signed) EventType() string             { return TypeSigned }
func (*SignatureDeclined) EventType() string  { return TypeSignatureDeclined }
