package document_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// TestInvoiceNumberOncePerClient: the same invoice number could be used
// twice for one client. An invoice number is unique per issuer (Dutch
// bookkeeping): a second invoice of the client with that number, in any
// case, is 409 invoice_number_taken at the field; another client may use
// it; an idempotent retry is the same invoice; of concurrent uploads with
// one number exactly one lands; a claim whose upload died before its
// append is taken over once it is old; and old streams that share a number
// (recorded before the rule) still fold and project, and their number
// stays taken.
func TestInvoiceNumberOncePerClient(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	invoice := func(client, number string, content byte) cmd.Upload {
		return cmd.Upload{ClientID: client, Kind: doc.KindInvoice, Title: "Factuur " + number, FileName: "f.pdf",
			Content: append(append([]byte(nil), dt.PDF...), content),
			Invoice: &doc.Invoice{Number: number, Date: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), AmountCents: 12100}}
	}
	bo := dt.Meta(e.Backoffice)
	if _, _, err := e.Handler.Upload(ctx, bo, invoice("c1", "F-2026-001", 1)); err != nil {
		t.Fatal(err)
	}
	for _, number := range []string{"F-2026-001", "f-2026-001", "  F-2026-001 "} {
		_, _, err := e.Handler.Upload(ctx, bo, invoice("c1", number, 2))
		if !errors.Is(err, cmd.ErrInvoiceNumberTaken) {
			t.Fatalf("a second invoice %q of c1: %v, want invoice_number_taken", number, err)
		}
	}
	if cmd.ErrInvoiceNumberTaken.Field != "invoice_number" || cmd.ErrInvoiceNumberTaken.Code != "invoice_number_taken" {
		t.Fatalf("error %+v", cmd.ErrInvoiceNumberTaken)
	}
	if _, _, err := e.Handler.Upload(ctx, bo, invoice("c2", "F-2026-001", 3)); err != nil {
		t.Fatalf("the same number for another client: %v", err)
	}
	// A retry of the same upload (same key, same content) is the same invoice.
	keyed := commands.Meta{Actor: e.Backoffice, IdempotencyKey: "inv-2"}
	_, id1, err := e.Handler.Upload(ctx, keyed, invoice("c1", "F-2026-002", 4))
	if err != nil {
		t.Fatal(err)
	}
	if _, id2, err := e.Handler.Upload(ctx, keyed, invoice("c1", "F-2026-002", 4)); err != nil || id2 != id1 {
		t.Fatalf("retry: %s, %v; want %s", id2, err, id1)
	}

	// Concurrent uploads of one number: exactly one lands.
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = e.Handler.Upload(ctx, bo, invoice("c1", "F-2026-003", byte(10+i)))
		}()
	}
	wg.Wait()
	landed := 0
	for _, err := range errs {
		switch {
		case err == nil:
			landed++
		case !errors.Is(err, cmd.ErrInvoiceNumberTaken):
			t.Fatalf("concurrent upload: %v", err)
		}
	}
	if landed != 1 {
		t.Fatalf("%d concurrent uploads of one number landed, want 1", landed)
	}

	// A claim left by an upload that died before its append: taken when old.
	if _, err := e.Pool.Exec(ctx, `INSERT INTO document_invoice_numbers (client_id, number_key, document_id, claimed_at)
		VALUES ('c1', 'f-2026-004', $1, $2)`, uuid.NewString(), e.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Handler.Upload(ctx, bo, invoice("c1", "F-2026-004", 20)); !errors.Is(err, cmd.ErrInvoiceNumberTaken) {
		t.Fatalf("a fresh claim of another upload: %v, want taken (it may still append)", err)
	}
	if _, err := e.Pool.Exec(ctx, `UPDATE document_invoice_numbers SET claimed_at = $1 WHERE number_key = 'f-2026-004'`, e.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Handler.Upload(ctx, bo, invoice("c1", "F-2026-004", 20)); err != nil {
		t.Fatalf("an orphaned claim: %v, want it taken over", err)
	}

	// Two old streams with one number (appended as the ledger holds them,
	// before the rule): both fold and project; the number stays taken.
	var last eventstore.Position
	old := []string{uuid.NewString(), uuid.NewString()}
	for i, id := range old {
		data, _ := json.Marshal(doc.Uploaded{DocumentID: id, ClientID: "c1", IntermediaryID: "i1", Kind: doc.KindInvoice, Category: doc.CategoryGeneral,
			Title: "Oude factuur", FileName: "o.pdf", ContentType: "application/pdf", Size: 10, SHA256: strings.Repeat("0", 63) + string(rune('1'+i)),
			Invoice: &doc.Invoice{Number: "OUD-1", Date: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), AmountCents: 100}})
		res, err := e.Store.Append(ctx, doc.Stream(id), eventstore.NoStream(), eventstore.EventData{ID: uuid.New(), Type: "document.uploaded",
			Data: data, Metadata: eventstore.Metadata{ActorID: e.Backoffice.AccountID, ActorRole: string(e.Backoffice.Role), OccurredAt: e.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	for _, id := range old {
		d := &doc.Document{}
		if _, err := commands.LoadInto(ctx, e.Store, doc.Stream(id), doc.Events, d); err != nil || !d.Exists() || d.InvoiceNumber() != "OUD-1" {
			t.Fatalf("old stream %s: %v, %+v", id, err, d)
		}
	}
	e.Wait(t, last)
	var projected int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM documents WHERE invoice_number = 'OUD-1'`).Scan(&projected); err != nil || projected != 2 {
		t.Fatalf("old duplicates projected: %d, %v; want 2", projected, err)
	}
	if _, _, err := e.Handler.Upload(ctx, bo, invoice("c1", "oud-1", 30)); !errors.Is(err, cmd.ErrInvoiceNumberTaken) {
		t.Fatalf("a number of an old invoice: %v, want taken", err)
	}
}
