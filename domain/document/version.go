package document

import (
	"time"

	"backoffice/domain"
)

// MaxVersions bounds the versions of one document.
const MaxVersions = 100

// NewVersion is "een nieuwe versie aanbieden" (manual ch. 4): the file
// facts come from the stored file, as for Upload.
type NewVersion struct {
	FileName    string
	ContentType string // sniffed
	Size        int64
	SHA256      string
}

// Errors of a new version.
var (
	ErrVersionUnchanged = domain.Invalid("version_unchanged", "file",
		"This file is the current version already.", "Dit bestand is al de huidige versie.")
	ErrInvoiceVersion = domain.Rule("invoice_no_versions", "",
		"An invoice has no versions; add a credit note instead.", "Een factuur heeft geen versies; voeg een creditnota toe.")
	ErrTooManyVersions = domain.Rule("too_many_versions", "file",
		"This document has the maximum of 100 versions.", "Dit document heeft het maximum van 100 versies.")
)

// AddVersion offers a new version of the file: the back office for any
// document, a client user for their company's (the command layer has
// checked the actor sees the document). Invoices have no versions. The
// previous versions stay readable; an open signature request on the
// previous version is superseded, and a signature given on it does not
// cover the new one.
func (d *Document) AddVersion(actor domain.Actor, v NewVersion, now time.Time) ([]domain.Event, error) {
	if err := d.mustExist(); err != nil {
		return nil, err
	}
	switch {
	case isStaff(actor):
	case actor.Role == domain.RoleClient && actor.ClientID != "" && actor.ClientID == d.clientID:
	default:
		return nil, Forbidden
	}
	if d.kind == KindInvoice {
		return nil, ErrInvoiceVersion
	}
	if d.version >= MaxVersions {
		return nil, ErrTooManyVersions
	}
	name, sum, err := checkFile(v.FileName, v.ContentType, v.Size, v.SHA256)
	if err != nil {
		return nil, err
	}
	if sum == d.sha256 {
		return nil, ErrVersionUnchanged
	}
	ev := &VersionAdded{DocumentID: d.id, Version: d.version + 1, FileName: name, ContentType: v.ContentType, Size: v.Size, SHA256: sum}
	if d.request.ID != "" && d.request.Status == RequestOpen {
		// Expired or not: the request named the previous version.
		ev.SupersededRequestID = d.request.ID
	}
	return []domain.Event{ev}, nil
}
