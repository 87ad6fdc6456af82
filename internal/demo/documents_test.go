package demo_test

import (
	"context"
	"testing"
	"time"

	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	"backoffice/internal/demo"
)

func TestSeedDocuments(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	now := time.Now()
	if _, err := demo.Seed(ctx, e.Identity, now, nil); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedDocuments(ctx, e.Handler, e.Identity, now); err != nil {
		t.Fatal(err)
	}
	count := func() int { return eventCount(t, e.Pool) }
	// The sign mailer records the TAN it issued (document.tan_issued, not
	// the seed's) after its projector's commit, and queues the mail with
	// the code only once that record is in the ledger: waiting for the mail
	// waits for the last event that is not the seed's.
	_, tan := e.SignMail(t, demo.BakeryContactMail, 1)
	if len(tan) != 4 {
		t.Fatalf("TAN %q", tan)
	}
	before := count()
	if err := demo.SeedDocuments(ctx, e.Handler, e.Identity, now); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before {
		t.Fatalf("second seed appended %d events", after-before)
	}
	acc, err := e.Auth.AccountByEmail(ctx, demo.BakeryContactMail)
	if err != nil {
		t.Fatal(err)
	}
	kees := domain.Actor{AccountID: acc.AccountID, Role: domain.RoleClient, ClientID: demo.ClientBakery}
	rows, err := e.Queries.List(ctx, kees, "")
	if err != nil || len(rows) != 2 {
		t.Fatalf("bakery documents: %+v %v", rows, err)
	}
	var toSign int
	for _, r := range rows {
		if r.Signature == "requested" {
			d, err := e.Queries.Document(ctx, kees, r.ID)
			if err != nil || !d.CanSign || d.ContentType != "application/pdf" {
				t.Fatalf("agreement: %+v %v", d, err)
			}
			toSign++
		}
	}
	if toSign != 1 {
		t.Fatalf("%d documents to sign, want 1", toSign)
	}
}
