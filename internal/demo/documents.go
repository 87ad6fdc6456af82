package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	doccmd "backoffice/commands/document"
	"backoffice/commands/identity"
	"backoffice/domain"
	doc "backoffice/domain/document"
)

// BakeryContactMail is the login of the bakery's client user, who is asked
// to sign the demo agreement.
const BakeryContactMail = "kees@korenschoof.example.nl"

// SeedDocuments adds the demo documents: an agreement for the bakery with a
// signature request to its client user (the outbox then shows the mail
// with the link and the TAN) and an invoice. Run it after Seed; running it
// again changes nothing (fixed idempotency keys derive the document IDs,
// and an open or decided request is left alone).
func SeedDocuments(ctx context.Context, docs *doccmd.Handler, svc *identity.Handlers, now time.Time) error {
	if docs == nil || svc == nil {
		return errors.New("demo: SeedDocuments needs the document handler and the identity service")
	}
	meta := func(key string) commands.Meta {
		return commands.Meta{Actor: identity.System, CorrelationID: "demo-seed", IdempotencyKey: key}
	}
	_, agreement, err := docs.Upload(ctx, meta("demo-document-agreement"), doccmd.Upload{
		ClientID: ClientBakery, Kind: doc.KindDocument, Title: "Overeenkomst van opdracht 2026",
		FileName: "overeenkomst-van-opdracht-2026.pdf",
		Content: pdf("Overeenkomst van opdracht 2026 (DEMO)",
			"Opdrachtgever: Bakkerij De Korenschoof B.V.", "Backofficebureau verzorgt de verloning van de geplaatste werknemers."),
	})
	if err != nil {
		return fmt.Errorf("demo: agreement: %w", err)
	}
	acc, err := svc.Auth.AccountByEmail(ctx, BakeryContactMail)
	if err != nil {
		return fmt.Errorf("demo: account %s: %w", BakeryContactMail, err)
	}
	_, _, err = docs.RequestSignature(ctx, meta("demo-document-signature"), agreement, acc.AccountID)
	for _, code := range []string{"signature_request_open", "already_signed"} {
		if errors.Is(err, &domain.Error{Code: code}) {
			err = nil // seeded before
		}
	}
	if err != nil {
		return fmt.Errorf("demo: signature request: %w", err)
	}
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	// One invoice per month the demo runs in: the key names the month, so a
	// restart in a later month adds that month's invoice instead of failing
	// on a different file under the same key.
	_, _, err = docs.Upload(ctx, meta("demo-document-invoice-"+month.Format("2006-01")), doccmd.Upload{
		ClientID: ClientBakery, Kind: doc.KindInvoice, Title: "Factuur " + month.Format("2006-01"),
		FileName: "factuur-" + month.Format("2006-01") + ".pdf",
		Content:  pdf("Factuur "+month.Format("2006-01")+" (DEMO)", "Bakkerij De Korenschoof B.V.", "Totaal: EUR 4.235,00 incl. btw"),
		Invoice:  &doc.Invoice{Number: "F-" + month.Format("200601") + "-001", Date: month, AmountCents: 423500},
	})
	if err != nil {
		return fmt.Errorf("demo: invoice: %w", err)
	}
	return nil
}

// pdf renders a one-page PDF with a few lines of text (ASCII only).
func pdf(lines ...string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 14 Tf 72 760 Td 18 TL\n")
	for _, l := range lines {
		esc := bytes.NewBuffer(nil)
		for _, c := range []byte(l) {
			if c == '(' || c == ')' || c == '\\' {
				esc.WriteByte('\\')
			}
			esc.WriteByte(c)
		}
		fmt.Fprintf(&content, "(%s) Tj T*\n", esc.String())
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
