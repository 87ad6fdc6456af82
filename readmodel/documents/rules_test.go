package documents_test

import (
	"testing"

	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/readmodel/documents"
)

func TestSignatureRequestable(t *testing.T) {
	bo := domain.Actor{Role: domain.RoleBackoffice, AccountID: "bo"}
	client := domain.Actor{Role: domain.RoleClient, ClientID: "c1", AccountID: "c"}
	document := func(kind doc.Kind, cat doc.Category, r *documents.Request) documents.Detail {
		return documents.Detail{Row: documents.Row{Kind: string(kind), Category: string(cat)}, Request: r}
	}
	open := &documents.Request{Status: string(doc.RequestOpen)}
	for _, c := range []struct {
		name  string
		actor domain.Actor
		d     documents.Detail
		want  bool
	}{
		{"new document", bo, document(doc.KindDocument, doc.CategoryGeneral, nil), true},
		{"a client user", client, document(doc.KindDocument, doc.CategoryGeneral, nil), false},
		{"an invoice", bo, document(doc.KindInvoice, doc.CategoryGeneral, nil), false},
		{"an ID copy", bo, document(doc.KindDocument, doc.CategoryIDCopy, nil), false},
		{"open request", bo, document(doc.KindDocument, doc.CategoryGeneral, open), false},
		{"expired request", bo, document(doc.KindDocument, doc.CategoryGeneral, &documents.Request{Status: string(doc.RequestOpen), Expired: true}), true},
		{"blocked request", bo, document(doc.KindDocument, doc.CategoryGeneral, &documents.Request{Status: string(doc.RequestOpen), Blocked: true}), true},
		{"signed", bo, document(doc.KindDocument, doc.CategoryGeneral, &documents.Request{Status: string(doc.RequestSigned)}), false},
		{"declined", bo, document(doc.KindDocument, doc.CategoryGeneral, &documents.Request{Status: string(doc.RequestDeclined)}), true},
	} {
		if got := c.d.SignatureRequestable(c.actor); got != c.want {
			t.Errorf("%s: SignatureRequestable = %v, want %v", c.name, got, c.want)
		}
	}
}
