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
	TypeVersionAdded       = "document.version_added"
	TypeSigningOpened      = "document.signing_screen_opened"
	TypeTANRejected        = "document.tan_rejected"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(&Uploaded{}, &SignatureRequested{}, &Signed{}, &SignatureDeclined{},
	&VersionAdded{}, &SigningOpened{}, &TANRejected{},
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
	// Version and SHA256 name the file the signer is asked to sign (absent
	// in requests recorded before versions existed: version 1, the
	// uploaded file).
	Version int    `json:"version,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
}

// Signed: "Akkoord" with the right TAN. SHA256 is the file as signed,
// Version its version (absent before versions existed: 1).
type Signed struct {
	DocumentID string `json:"document_id"`
	RequestID  string `json:"request_id"`
	Remark     string `json:"remark,omitempty"`
	SHA256     string `json:"sha256"`
	Evidence
}

// SignatureDeclined: "Niet akkoord" with the right TAN.
type SignatureDeclined struct {
	DocumentID string `json:"document_id"`
	RequestID  string `json:"request_id"`
	Remark     string `json:"remark,omitempty"`
	SHA256     string `json:"sha256"`
	Evidence
}

// Evidence is what an answer records for the "Bewijs van ondertekening"
// besides the file's hash: the version, the hash of the consent text the
// signer was shown (ConsentText) and the signer's IP address and user agent,
// sealed (personal data never sits in an event in plain text). All absent in
// answers recorded before the evidence existed.
type Evidence struct {
	Version       int     `json:"version,omitempty"`
	ConsentSHA256 string  `json:"consent_sha256,omitempty"`
	Client        *Sealed `json:"client,omitempty"`
}

// Sealed is the signer's connection (IP address and user agent, as
// ClientInfo JSON) encrypted with the data key of Subject, the signer's
// account stream: erasing that key (crypto-shredding) makes it unreadable
// for good while the event and its hash stay. Ciphertext is base64.
type Sealed struct {
	Subject    string `json:"subject"`
	Ciphertext string `json:"ciphertext"`
}

// VersionAdded: a new version of the file was offered ("een nieuwe versie
// aanbieden", manual ch. 4). The content lives in document_files under
// the document and SHA256, like the upload's. An open signature request on
// the previous version is superseded (SupersededRequestID): its TAN no
// longer signs anything, and the new version needs a request of its own.
type VersionAdded struct {
	DocumentID          string `json:"document_id"`
	Version             int    `json:"version"` // 2, 3, ... (the upload is 1)
	FileName            string `json:"file_name"`
	ContentType         string `json:"content_type"`
	Size                int64  `json:"size"`
	SHA256              string `json:"sha256"`
	SupersededRequestID string `json:"superseded_request_id,omitempty"`
}

// SigningOpened: the signer opened the signing screen of the open request
// (at most MaxOpenings recorded per request).
type SigningOpened struct {
	DocumentID string  `json:"document_id"`
	RequestID  string  `json:"request_id"`
	Version    int     `json:"version"`
	Client     *Sealed `json:"client,omitempty"`
}

// TANRejected: the signer entered a wrong TAN; Attempt counts the wrong
// ones of the request, Blocked is set on the one that blocked it.
type TANRejected struct {
	DocumentID string  `json:"document_id"`
	RequestID  string  `json:"request_id"`
	Attempt    int     `json:"attempt"`
	Blocked    bool    `json:"blocked,omitempty"`
	Client     *Sealed `json:"client,omitempty"`
}

func (*Uploaded) EventType() string           { return TypeUploaded }
func (*SignatureRequested) EventType() string { return TypeSignatureRequested }
func (*Signed) EventType() string             { return TypeSigned }
func (*SignatureDeclined) EventType() string  { return TypeSignatureDeclined }
func (*VersionAdded) EventType() string       { return TypeVersionAdded }
func (*SigningOpened) EventType() string      { return TypeSigningOpened }
func (*TANRejected) EventType() string        { return TypeTANRejected }
