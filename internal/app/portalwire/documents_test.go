package portalwire_test

import (
	"context"
	"testing"
	"time"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/internal/app/portalwire"
)

// TestDocumentsAdapterExpired: a request past its expiry reaches the
// portal as Expired (the signing screen says so instead of "not found"),
// and cannot be signed.
func TestDocumentsAdapterExpired(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	a, err := portalwire.NewDocuments(e.Handler, e.Queries)
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
