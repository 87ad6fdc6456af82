package document_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
)

// Issue 10 §5: a document's code may be blocked and simply asked again 3
// times; from then on a new request needs the back office's reason, which
// the event records.
func TestTANReissueCap(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	id := e.Upload(t, "Overeenkomst")
	for n := 1; n <= doc.MaxTANReissues; n++ {
		res, err := e.AskClient1(ctx, id)
		if err != nil {
			t.Fatalf("request %d: %v", n, err)
		}
		e.Wait(t, res.Position)
		_, tan := e.SignMail(t, e.Emails["client1"], n)
		blockTAN(t, e, id, tan)
	}
	// Three codes blocked: asking again needs a reason.
	if _, err := e.AskClient1(ctx, id); !errors.Is(err, doc.ErrTANReissueLimit) {
		t.Fatalf("4th request without a reason: %v", err)
	}
	if _, _, err := e.Handler.RequestSignatureWithReason(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID, "bad\x00reason"); err == nil {
		t.Fatal("a reason with a NUL was accepted")
	}
	const reason = "Opdrachtgever belde: verkeerd overgetypt, identiteit telefonisch gecontroleerd"
	res, rid, err := e.Handler.RequestSignatureWithReason(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID, reason)
	if err != nil {
		t.Fatalf("4th request with a reason: %v", err)
	}
	e.Wait(t, res.Position)
	evs := e.Recorded(t, doc.Stream(id))
	var got doc.SignatureRequested
	last := evs[len(evs)-1]
	if last.Type == doc.TypeTANIssued && len(evs) > 1 {
		last = evs[len(evs)-2] // the TAN's issue follows the request
	}
	if err := json.Unmarshal(last.Data, &got); err != nil || last.Type != doc.TypeSignatureRequested || got.RequestID != rid || got.ReissueReason != reason {
		t.Fatalf("last event %s %+v (%v), want the request with its reason", last.Type, got, err)
	}
	// The new code works.
	_, tan := e.SignMail(t, e.Emails["client1"], doc.MaxTANReissues+1)
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("the reissued code: %v", err)
	}
}
