package documents

import (
	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
)

// SignatureRequestable reports whether actor may ask for a signature on
// the document now, by the rules of document.RequestSignature: the back
// office, a document (no invoice, no ID copy), not signed, and no open
// request unless it expired or was blocked by wrong TANs. Screens offer the
// request only where this holds; the command still decides.
func (d Detail) SignatureRequestable(actor domain.Actor) bool {
	if !account.IsStaff(actor) || doc.Kind(d.Kind) != doc.KindDocument || doc.Category(d.Category) == doc.CategoryIDCopy {
		return false
	}
	r := d.Request
	switch {
	case r == nil:
		return true
	case r.Status == string(doc.RequestSigned):
		return r.Version < d.Version // a new version needs a new signature
	case r.Status == string(doc.RequestOpen):
		return r.Expired || r.Blocked
	}
	return true // declined or superseded
}
