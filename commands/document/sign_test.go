package document_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	doc "backoffice/domain/document"
)

// askedToSign is a fresh documents feature in which kees (client1) was
// asked to sign a document titled title: its ID and the TAN of the mail.
func askedToSign(t *testing.T, title string) (*dt.Env, string, string) {
	t.Helper()
	e := dt.New(t)
	id, tan := e.Requested(t, title, 1)
	return e, id, tan
}

// wantFinal: a signed document takes no new signature request.
func wantFinal(t *testing.T, e *dt.Env, id string) {
	t.Helper()
	if _, err := e.AskClient1(context.Background(), id); !errors.Is(err, code("already_signed")) {
		t.Fatalf("request after signing: %v", err)
	}
}

func wrongTAN(tan string) string {
	if tan[0] == 'A' {
		return "B" + tan[1:]
	}
	return "A" + tan[1:]
}

// blockTAN has kees enter a wrong code for document id until the request
// is blocked (cmd.MaxTANAttempts times): then tan, the right code, is
// refused as blocked too.
func blockTAN(t *testing.T, e *dt.Env, id, tan string) {
	t.Helper()
	ctx := context.Background()
	for range cmd.MaxTANAttempts {
		_, _ = e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: wrongTAN(tan), ReadConfirmed: true})
	}
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, cmd.ErrTANBlocked) {
		t.Fatalf("the right code after %d wrong ones: %v, want blocked", cmd.MaxTANAttempts, err)
	}
}

func TestRequestSignatureRules(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	_, id, err := e.Handler.Upload(ctx, dt.Meta(e.Client1), cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "c.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	_, inv, err := e.Handler.Upload(ctx, dt.Meta(e.Backoffice), cmd.Upload{ClientID: "c1", Kind: doc.KindInvoice, Title: "Factuur",
		Content: dt.PDF, Invoice: &doc.Invoice{Number: "F1", Date: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), AmountCents: 100}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		actor   domain.Actor
		doc     string
		signer  string
		wantErr error
	}{
		{"client user may not ask", e.Client1, id, e.Client1.AccountID, doc.Forbidden},
		{"other client: not found", e.Client2, id, e.Client2.AccountID, domain.ErrNotFound},
		{"intermediary may not ask", e.Inter1, id, e.Client1.AccountID, doc.Forbidden},
		{"signer is a worker", e.Backoffice, id, e.Worker1.AccountID, code("signer_not_client_user")},
		{"signer of another client", e.Backoffice, id, e.Client2.AccountID, code("signer_not_client_user")},
		{"unknown signer", e.Backoffice, id, "nobody", code("signer_not_client_user")},
		{"invoice", e.Backoffice, inv, e.Client1.AccountID, code("invoice_not_signable")},
		{"unknown document", e.Backoffice, "nope", e.Client1.AccountID, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := e.Handler.RequestSignature(ctx, dt.Meta(tt.actor), tt.doc, tt.signer); !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := e.AskClient1(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AskClient1(ctx, id); !errors.Is(err, code("signature_request_open")) {
		t.Fatalf("second request: %v", err)
	}
}

func TestSignWithTAN(t *testing.T) {
	e, id, tan := askedToSign(t, "Overeenkomst 2026")
	ctx := context.Background()

	// Nothing of the TAN is stored in plain text.
	var hash []byte
	if err := e.Pool.QueryRow(ctx, `SELECT tan_hash FROM document_tans WHERE document_id = $1`, id).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(hash), tan) || len(hash) != 32 {
		t.Fatalf("stored TAN hash %x", hash)
	}
	d, err := e.Queries.Document(ctx, e.Client1, id)
	if err != nil || !d.CanSign || d.Signature != "requested" || d.Request.SignerName != "Kees Bakker" {
		t.Fatalf("before signing: %+v %v", d, err)
	}
	if d, _ := e.Queries.Document(ctx, e.Inter1, id); d.CanSign {
		t.Fatal("the intermediary may sign")
	}

	sign := func(a domain.Actor, s cmd.Signature) error {
		_, err := e.Handler.Sign(ctx, dt.Meta(a), id, s)
		return err
	}
	tests := []struct {
		name    string
		actor   domain.Actor
		in      cmd.Signature
		wantErr error
	}{
		{"someone else of the bureau", e.Backoffice, cmd.Signature{TAN: tan, ReadConfirmed: true}, doc.Forbidden},
		{"another company", e.Client2, cmd.Signature{TAN: tan, ReadConfirmed: true}, domain.ErrNotFound},
		{"read not confirmed", e.Client1, cmd.Signature{TAN: tan}, code("read_not_confirmed")},
		{"no TAN", e.Client1, cmd.Signature{ReadConfirmed: true}, cmd.ErrTANRequired},
		{"remark too long", e.Client1, cmd.Signature{TAN: tan, ReadConfirmed: true, Remark: strings.Repeat("x", 1001)}, code("too_long")},
		{"wrong TAN", e.Client1, cmd.Signature{TAN: wrongTAN(tan), ReadConfirmed: true}, cmd.ErrTANWrong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := sign(tt.actor, tt.in); !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
	// Only the wrong TAN counted.
	var attempts int
	if err := e.Pool.QueryRow(ctx, `SELECT attempts FROM document_tans WHERE document_id = $1`, id).Scan(&attempts); err != nil || attempts != 1 {
		t.Fatalf("attempts %d (%v), want 1", attempts, err)
	}
	// The TAN in lower case with spaces is the TAN.
	res, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: " " + strings.ToLower(tan) + " ", ReadConfirmed: true, Remark: "Akkoord."})
	if err != nil {
		t.Fatal(err)
	}
	if err := sign(e.Client1, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, doc.ErrNoOpenRequest) {
		t.Fatalf("signing twice: %v", err)
	}
	e.Wait(t, res.Position)
	d, err = e.Queries.Document(ctx, e.Client1, id)
	if err != nil || d.Signature != "signed" || d.CanSign || d.Request.Remark != "Akkoord." || d.Request.DecidedAt == nil {
		t.Fatalf("after signing: %+v %v", d, err)
	}
	rows, err := e.Queries.List(ctx, e.Inter1, "")
	if err != nil || len(rows) != 1 || rows[0].Signature != "signed" {
		t.Fatalf("list after signing: %+v %v", rows, err)
	}
	wantFinal(t, e, id)
}

func TestTANBlockedAfterFiveWrong(t *testing.T) {
	e, id, tan := askedToSign(t, "Contract")
	ctx := context.Background()
	in := cmd.Signature{TAN: wrongTAN(tan), ReadConfirmed: true}
	for i := 1; i <= 4; i++ {
		if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, in); !errors.Is(err, cmd.ErrTANWrong) {
			t.Fatalf("wrong TAN %d: %v", i, err)
		}
	}
	_, err := e.Handler.Decline(ctx, dt.Meta(e.Client1), id, in)
	if !errors.Is(err, cmd.ErrTANBlocked) || domain.KindOf(err) != domain.KindTooMany {
		t.Fatalf("fifth wrong TAN: %v", err)
	}
	var de *domain.Error
	if !errors.As(err, &de) || !strings.Contains(de.MessageNL, "vraag Backofficebureau om een nieuwe code") {
		t.Fatalf("message %+v", de)
	}
	// Now even the right TAN is refused.
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, cmd.ErrTANBlocked) {
		t.Fatalf("right TAN after blocking: %v", err)
	}
	d, err := e.Queries.Document(ctx, e.Client1, id)
	if err != nil || !d.Request.Blocked || d.CanSign {
		t.Fatalf("blocked request: %+v %v", d.Request, err)
	}
	// The back office asks again: a new TAN works.
	res, err := e.AskClient1(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	_, tan2 := e.SignMail(t, e.Emails["client1"], 2)
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan2, ReadConfirmed: true}); err != nil {
		t.Fatalf("new TAN: %v", err)
	}
}

func TestExpiredRequest(t *testing.T) {
	e, id, tan := askedToSign(t, "Contract")
	ctx := context.Background()
	e.SetNow(time.Now().Add(doc.SignatureTTL + time.Minute))
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, code("signature_request_expired")) {
		t.Fatalf("sign after expiry: %v", err)
	}
	d, err := e.Queries.Document(ctx, e.Client1, id)
	if err != nil || d.Signature != "" || !d.Request.Expired || d.CanSign {
		t.Fatalf("expired: %+v %v", d, err)
	}
	// It may be replaced.
	if _, err := e.AskClient1(ctx, id); err != nil {
		t.Fatal(err)
	}
}
