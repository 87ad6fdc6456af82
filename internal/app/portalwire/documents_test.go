package portalwire_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/http/portal"
	"backoffice/internal/app/portalwire"
)

// TestDocumentsAdapterExpired: a request past its expiry reaches the
// portal as Expired (the signing screen says so instead of "not found"),
// and cannot be signed.
func TestDocumentsAdapterExpired(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	a, err := portalwire.NewDocuments(e.Handler, e.Queries, e.Env.Queries)
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := e.Handler.Upload(ctx, dt.Meta(e.Backoffice), cmd.Upload{ClientID: "c1", Kind: doc.KindDocument, Title: "Overeenkomst",
		FileName: "o.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := e.Handler.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	d, err := a.Document(ctx, e.Client1, id)
	if err != nil || d.Request == nil || d.Request.Expired || !d.CanSign {
		t.Fatalf("open request: %+v %v", d.Request, err)
	}
	e.SetNow(time.Now().Add(doc.SignatureTTL + time.Minute))
	d, err = a.Document(ctx, e.Client1, id)
	if err != nil || d.Request == nil || !d.Request.Expired || d.CanSign {
		t.Fatalf("expired request: %+v %v", d.Request, err)
	}
}

// TestDocumentsAdapterBackoffice: the back office's upload of an invoice
// for a client it names, its choice of clients and signers, and asking a
// signature through the adapter; other actors get nothing of it.
func TestDocumentsAdapterBackoffice(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	if _, err := portalwire.NewDocuments(e.Handler, e.Queries, nil); err == nil {
		t.Fatal("NewDocuments accepted nil identity queries")
	}
	a, err := portalwire.NewDocuments(e.Handler, e.Queries, e.Env.Queries)
	if err != nil {
		t.Fatal(err)
	}

	cs, err := a.Clients(ctx, e.Backoffice)
	want := []portal.ClientOption{{ID: "c1", Name: "Bakkerij Korenaar"}, {ID: "c2", Name: "Transport Smit"}}
	if err != nil || !reflect.DeepEqual(cs, want) {
		t.Fatalf("back office clients: %+v %v", cs, err)
	}
	for _, actor := range []domain.Actor{e.Client1, e.Inter1, e.Worker1} {
		if cs, err := a.Clients(ctx, actor); err != nil || len(cs) != 0 {
			t.Errorf("%s chooses among clients: %+v %v", actor.Role, cs, err)
		}
	}

	date := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	res, err := a.Upload(ctx, dt.Meta(e.Backoffice), portal.DocumentUpload{ClientID: "c2", Kind: portal.DocumentKindInvoice,
		Invoice: &portal.Invoice{Number: "2026-0042", Date: date, AmountCents: 123456}, Title: "Factuur 2026-0042",
		Category: portal.DocumentCategoryGeneral, FileName: "f.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	inv, err := a.List(ctx, e.Client2, portal.DocumentKindInvoice)
	if err != nil || len(inv) != 1 || inv[0].Invoice == nil || *inv[0].Invoice != (portal.Invoice{Number: "2026-0042", Date: date, AmountCents: 123456}) {
		t.Fatalf("client 2's invoices: %+v %v", inv, err)
	}
	if inv, _ := a.List(ctx, e.Client1, portal.DocumentKindInvoice); len(inv) != 0 {
		t.Fatalf("client 1 sees client 2's invoice: %+v", inv)
	}
	// The command's field names reach the portal.
	_, err = a.Upload(ctx, dt.Meta(e.Backoffice), portal.DocumentUpload{ClientID: "c2", Kind: portal.DocumentKindInvoice,
		Invoice: &portal.Invoice{Number: "2026-0043"}, Title: "Factuur", FileName: "f.pdf", Content: dt.PDF})
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Field != "invoice_date" {
		t.Fatalf("invoice without a date: %v", err)
	}
	// A client user cannot upload for another company, nor an invoice.
	if _, err := a.Upload(ctx, dt.Meta(e.Client1), portal.DocumentUpload{ClientID: "c2", Title: "X", FileName: "x.pdf", Content: dt.PDF}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("client 1 uploads for client 2: %v", err)
	}
	if _, err := a.Upload(ctx, dt.Meta(e.Client1), portal.DocumentUpload{Kind: portal.DocumentKindInvoice, Title: "X", FileName: "x.pdf",
		Invoice: &portal.Invoice{Number: "1", Date: date, AmountCents: 1}, Content: dt.PDF}); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("client 1 uploads an invoice: %v", err)
	}
	// Invoices are never signed.
	bod, err := a.Document(ctx, e.Backoffice, invoiceID(t, a, e))
	if err != nil || bod.CanRequestSignature {
		t.Fatalf("invoice offers a signature request: %+v %v", bod, err)
	}

	res, err = a.Upload(ctx, dt.Meta(e.Backoffice), portal.DocumentUpload{ClientID: "c1", Title: "Overeenkomst", FileName: "o.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	rows, _ := a.List(ctx, e.Backoffice, portal.DocumentKindDocument)
	if len(rows) != 1 {
		t.Fatalf("documents: %+v", rows)
	}
	id := rows[0].ID
	d, err := a.Document(ctx, e.Backoffice, id)
	if err != nil || !d.CanRequestSignature {
		t.Fatalf("new document, back office: %+v %v", d, err)
	}
	if d, _ := a.Document(ctx, e.Client1, id); d.CanRequestSignature {
		t.Fatal("a client user may request a signature")
	}

	signers, err := a.Signers(ctx, e.Backoffice, id)
	if err != nil || !reflect.DeepEqual(signers, []portal.SignerOption{{AccountID: e.Client1.AccountID, Name: "Kees Bakker", Email: "kees@c1.test"}}) {
		t.Fatalf("signers: %+v %v", signers, err)
	}
	for _, actor := range []domain.Actor{e.Client1, e.Client2, e.Inter1, e.Worker1} {
		if s, err := a.Signers(ctx, actor, id); !errors.Is(err, domain.ErrNotFound) || s != nil {
			t.Errorf("%s lists signers: %+v %v", actor.Role, s, err)
		}
	}
	if _, err := a.Signers(ctx, e.Backoffice, "no-such-document"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("signers of an unknown document: %v", err)
	}

	// Only the back office asks, and only a user of the document's client.
	if _, err := a.RequestSignature(ctx, dt.Meta(e.Client1), id, e.Client1.AccountID); err == nil {
		t.Fatal("a client user asked for a signature")
	}
	_, err = a.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client2.AccountID)
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Field != "signer_account_id" {
		t.Fatalf("signer of another client: %v", err)
	}
	res, err = a.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	if d, err := a.Document(ctx, e.Backoffice, id); err != nil || d.CanRequestSignature || d.Request == nil {
		t.Fatalf("open request still offers a new one: %+v %v", d, err)
	}
	if d, err := a.Document(ctx, e.Client1, id); err != nil || !d.CanSign {
		t.Fatalf("the signer cannot sign: %+v %v", d, err)
	}
	// Expired: the back office may ask again.
	e.SetNow(time.Now().Add(doc.SignatureTTL + time.Minute))
	if d, err := a.Document(ctx, e.Backoffice, id); err != nil || !d.CanRequestSignature {
		t.Fatalf("expired request: %+v %v", d, err)
	}
}

func invoiceID(t *testing.T, a *portalwire.Documents, e *dt.Env) string {
	t.Helper()
	rows, err := a.List(context.Background(), e.Backoffice, portal.DocumentKindInvoice)
	if err != nil || len(rows) != 1 {
		t.Fatalf("invoices: %+v %v", rows, err)
	}
	return rows[0].ID
}
