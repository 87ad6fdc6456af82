package document_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// stream reads a document's events, raw and decoded.
func stream(t *testing.T, e *dt.Env, id string) ([]eventstore.RecordedEvent, []domain.Event) {
	t.Helper()
	return e.Recorded(t, doc.Stream(id)), e.History(t, doc.Stream(id), doc.Events)
}

// TestSigningEvidenceInTheLedger: opening the signing screen, a wrong TAN
// and the answer are events; the connection in them is sealed with the
// signer's key (no IP or user agent in plain text in the ledger) and
// unreadable once that key is erased; the answer names the version, its
// SHA-256 and the consent text's hash.
func TestSigningEvidenceInTheLedger(t *testing.T) {
	e, id, tan := askedToSign(t, "Overeenkomst")
	ctx := context.Background()
	conn := cmd.Signature{Client: doc.CleanClient("203.0.113.9", "Mozilla/5.0 (Evidence test)")}

	// Only the signer's opening is recorded; another user of the intermediary's sees the page, records nothing.
	if _, err := e.Handler.OpenSigning(ctx, dt.Meta(e.Inter1), id, conn.Client); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handler.OpenSigning(ctx, dt.Meta(e.Client2), id, conn.Client); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another client's user: %v", err)
	}
	if _, err := e.Handler.OpenSigning(ctx, dt.Meta(e.Client1), id, conn.Client); err != nil {
		t.Fatal(err)
	}
	wrong := conn
	wrong.TAN, wrong.ReadConfirmed = wrongTAN(tan), true
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, wrong); !errors.Is(err, cmd.ErrTANWrong) {
		t.Fatalf("wrong TAN: %v", err)
	}
	right := conn
	right.TAN, right.ReadConfirmed, right.ConsentLanguage = tan, true, "en"
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, right); err != nil {
		t.Fatal(err)
	}

	recs, evs := stream(t, e, id)
	var types []string
	for _, r := range recs {
		types = append(types, r.Type)
		if bytes.Contains(r.Data, []byte("203.0.113.9")) || bytes.Contains(r.Data, []byte("Mozilla")) {
			t.Errorf("%s holds the connection in plain text: %s", r.Type, r.Data)
		}
	}
	want := []string{doc.TypeUploaded, doc.TypeSignatureRequested, doc.TypeTANIssued, doc.TypeSigningOpened, doc.TypeTANRejected, doc.TypeSigned}
	if len(types) != len(want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("events %v, want %v", types, want)
		}
	}
	up := evs[0].(*doc.Uploaded)
	req := evs[1].(*doc.SignatureRequested)
	if req.Version != 1 || req.SHA256 != up.SHA256 || req.SignerAccountID != e.Client1.AccountID {
		t.Errorf("request %+v does not name version 1 and its file", req)
	}
	rej := evs[4].(*doc.TANRejected)
	if rej.Attempt != 1 || rej.Blocked || rej.RequestID != req.RequestID || recs[4].Metadata.ActorID != e.Client1.AccountID {
		t.Errorf("wrong TAN recorded as %+v by %s", rej, recs[4].Metadata.ActorID)
	}
	signed := evs[5].(*doc.Signed)
	if signed.Version != 1 || signed.SHA256 != up.SHA256 || signed.ConsentSHA256 != doc.ConsentSHA256("en") || signed.Client == nil {
		t.Fatalf("signed %+v", signed)
	}
	for _, s := range []*doc.Sealed{evs[3].(*doc.SigningOpened).Client, rej.Client, signed.Client} {
		if s == nil || s.Subject != account.Stream(e.Client1.AccountID) {
			t.Fatalf("sealed connection %+v", s)
		}
		var got doc.ClientInfo
		if err := e.Vault.Unseal(ctx, s.Subject, s.Ciphertext, &got); err != nil || got != conn.Client {
			t.Fatalf("unsealed %+v, %v", got, err)
		}
	}
	// Crypto-shredding: the signer's key erased, the events stay, the
	// connection is gone.
	if err := e.Vault.Erase(ctx, account.Stream(e.Client1.AccountID)); err != nil {
		t.Fatal(err)
	}
	var got doc.ClientInfo
	if err := e.Vault.Unseal(ctx, signed.Client.Subject, signed.Client.Ciphertext, &got); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("after erasure: %+v %v", got, err)
	}
}

// TestWrongTANsUntilBlockedAreEvents: each wrong TAN is one event, the
// fifth says it blocked the request; a try on a blocked request counts
// nothing and records nothing.
func TestWrongTANsUntilBlockedAreEvents(t *testing.T) {
	e, id, tan := askedToSign(t, "Blokkade")
	ctx := context.Background()
	for i := 1; i <= cmd.MaxTANAttempts+1; i++ {
		_, err := e.Handler.Decline(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: wrongTAN(tan)})
		if i < cmd.MaxTANAttempts && !errors.Is(err, cmd.ErrTANWrong) || i >= cmd.MaxTANAttempts && !errors.Is(err, cmd.ErrTANBlocked) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	_, evs := stream(t, e, id)
	var rejected []*doc.TANRejected
	for _, ev := range evs {
		if r, ok := ev.(*doc.TANRejected); ok {
			rejected = append(rejected, r)
		}
	}
	if len(rejected) != cmd.MaxTANAttempts {
		t.Fatalf("%d wrong TANs recorded, want %d", len(rejected), cmd.MaxTANAttempts)
	}
	for i, r := range rejected {
		if r.Attempt != i+1 || r.Blocked != (i+1 == cmd.MaxTANAttempts) || r.Client != nil {
			t.Errorf("wrong TAN %d: %+v", i+1, r)
		}
	}
}

// TestVersionsAndSignatures: a new version supersedes the open request
// (its TAN no longer signs), keeps the old file readable, and gets a
// signature of its own that names it.
func TestVersionsAndSignatures(t *testing.T) {
	e, id, oldTAN := askedToSign(t, "Raamovereenkomst")
	ctx := context.Background()
	v2 := append(bytes.Clone(dt.PDF), []byte("% versie 2\n")...)
	if _, _, err := e.Handler.AddVersion(ctx, dt.Meta(e.Inter1), id, cmd.NewVersion{FileName: "v2.pdf", Content: v2}); !errors.Is(err, doc.Forbidden) {
		t.Fatalf("intermediary: %v", err)
	}
	if _, _, err := e.Handler.AddVersion(ctx, dt.Meta(e.Client2), id, cmd.NewVersion{FileName: "v2.pdf", Content: v2}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another client: %v", err)
	}
	if _, _, err := e.Handler.AddVersion(ctx, dt.Meta(e.Client1), id, cmd.NewVersion{FileName: "v1.pdf", Content: dt.PDF}); !errors.Is(err, doc.ErrVersionUnchanged) {
		t.Fatalf("the same file: %v", err)
	}
	res, n, err := e.Handler.AddVersion(ctx, dt.Meta(e.Client1), id, cmd.NewVersion{FileName: "v2.pdf", Content: v2})
	if err != nil || n != 2 {
		t.Fatalf("version %d: %v", n, err)
	}
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: oldTAN, ReadConfirmed: true}); !errors.Is(err, doc.ErrRequestSuperseded) {
		t.Fatalf("signing the superseded request: %v", err)
	}
	e.Wait(t, res.Position)
	d, err := e.Queries.Document(ctx, e.Client1, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 2 || len(d.Versions) != 2 || d.Versions[0].Version != 2 || d.Versions[1].FileName != "o.pdf" ||
		d.Request.Status != "superseded" || d.Signature != "superseded" || d.CanSign || !d.SignatureRequestable(e.Backoffice) {
		t.Fatalf("detail after v2: version %d, versions %+v, request %+v, signature %q", d.Version, d.Versions, d.Request, d.Signature)
	}
	for v, want := range map[int][]byte{0: v2, 1: dt.PDF, 2: v2} {
		f, err := e.Queries.FileVersion(ctx, e.Client1, id, v)
		if err != nil || !bytes.Equal(f.Content, want) {
			t.Fatalf("version %d: %v", v, err)
		}
	}
	if _, err := e.Queries.FileVersion(ctx, e.Client1, id, 3); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("version 3: %v", err)
	}
	if _, err := e.Queries.FileVersion(ctx, e.Client2, id, 1); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another client's old version: %v", err)
	}
	// A new request names version 2; its signature too.
	res, err = e.AskClient1(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	_, tan := e.SignMail(t, e.Emails["client1"], 2)
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatal(err)
	}
	_, evs := stream(t, e, id)
	signed := evs[len(evs)-1].(*doc.Signed)
	var added *doc.VersionAdded
	for _, ev := range evs {
		if v, ok := ev.(*doc.VersionAdded); ok {
			added = v
		}
	}
	if added == nil {
		t.Fatal("no version added")
	}
	if signed.Version != 2 || signed.SHA256 != added.SHA256 || added.SupersededRequestID == "" {
		t.Fatalf("signed %+v after %+v", signed, added)
	}
	wantFinal(t, e, id) // until a v3
}

// TestAnswerSurvivesAnOpeningMeanwhile: the signing screen opened in a
// second tab between the TAN check and the append moves the stream; the
// answer is decided again on the fresh stream and recorded, once.
func TestAnswerSurvivesAnOpeningMeanwhile(t *testing.T) {
	e, id, tan := askedToSign(t, "Twee tabbladen")
	ctx := context.Background()
	h := gatedHandler(t, e, &gatedStore{beforeAppend: func() error {
		_, err := e.Handler.OpenSigning(ctx, dt.Meta(e.Client1), id, doc.ClientInfo{})
		return err
	}})
	if _, err := h.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("sign with an opening in between: %v", err)
	}
	_, evs := stream(t, e, id)
	var opened, signed int
	for _, ev := range evs {
		switch ev.(type) {
		case *doc.SigningOpened:
			opened++
		case *doc.Signed:
			signed++
		}
	}
	if opened != 1 || signed != 1 {
		t.Fatalf("%d openings and %d signatures recorded, want 1 and 1", opened, signed)
	}
	if _, ok := evs[len(evs)-1].(*doc.Signed); !ok {
		t.Fatalf("the last event is %T", evs[len(evs)-1])
	}
}
