package document_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
)

// TestRequestAgainWithTheSameKey: a key used again for a new request (the
// demo seed after the expiry, an API key past the idempotency retention)
// gets a new request, with its own TAN and mail, not blocked by the old one.
func TestRequestAgainWithTheSameKey(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	id := e.Upload(t, "Overeenkomst")
	meta := commands.Meta{Actor: e.Backoffice, IdempotencyKey: "demo-document-signature"}
	res, rid1, err := e.Handler.RequestSignature(ctx, meta, id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	_, tan1 := e.SignMail(t, e.Emails["client1"], 1)
	blockTAN(t, e, id, tan1)

	// Blocked: the back office asks again with the same key.
	res, rid2, err := e.Handler.RequestSignature(ctx, meta, id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if rid2 == rid1 {
		t.Fatalf("the new request reuses the blocked request's ID %s", rid1)
	}
	e.Wait(t, res.Position)
	d, err := e.Queries.Document(ctx, e.Client1, id)
	if err != nil || d.Request.ID != rid2 || d.Request.Blocked || !d.CanSign {
		t.Fatalf("new request: %+v %v", d.Request, err)
	}
	_, tan2 := e.SignMail(t, e.Emails["client1"], 2)

	// Expired: the seed runs again 14 days later, with the same key.
	e.SetNow(time.Now().Add(doc.SignatureTTL + time.Hour))
	res, rid3, err := e.Handler.RequestSignature(ctx, meta, id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if rid3 == rid2 || rid3 == rid1 {
		t.Fatalf("the request after the expiry reuses an ID: %s (before %s, %s)", rid3, rid1, rid2)
	}
	e.Wait(t, res.Position)
	_, tan3 := e.SignMail(t, e.Emails["client1"], 3)
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan2, ReadConfirmed: true}); tan2 != tan3 && !errors.Is(err, cmd.ErrTANWrong) {
		t.Fatalf("the expired request's TAN: %v", err)
	}
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan3, ReadConfirmed: true}); err != nil {
		t.Fatalf("the new TAN: %v", err)
	}
	var tans int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM document_tans WHERE document_id = $1`, id).Scan(&tans); err != nil || tans != 3 {
		t.Fatalf("%d TANs (%v), want 3", tans, err)
	}
}
