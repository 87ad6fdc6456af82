package documents_test

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
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestScope: who sees which document, and whose ID copy is restricted.
func TestScope(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	up := func(a domain.Actor, in cmd.Upload) string {
		t.Helper()
		if in.Kind == "" {
			in.Kind = doc.KindDocument
		}
		res, id, err := e.Handler.Upload(ctx, dt.Meta(a), in)
		if err != nil {
			t.Fatal(err)
		}
		e.Wait(t, res.Position)
		return id
	}
	general := up(e.Client1, cmd.Upload{Title: "Contract c1", FileName: "c.pdf", Content: dt.PDF})
	idCopy := up(e.Backoffice, cmd.Upload{ClientID: "c1", WorkerID: "w1", Category: doc.CategoryIDCopy, Title: "ID Jan", FileName: "id.pdf", Content: dt.PDF})
	invoice := up(e.Backoffice, cmd.Upload{ClientID: "c1", Kind: doc.KindInvoice, Title: "Factuur", FileName: "f.pdf", Content: dt.PDF,
		Invoice: &doc.Invoice{Number: "F-7", Date: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), AmountCents: 99_50}})
	other := up(e.Client2, cmd.Upload{Title: "Contract c2", FileName: "c2.pdf", Content: dt.PDF})
	payroll := domain.Actor{AccountID: "p", Role: domain.RolePayroll}
	auditor := domain.Actor{AccountID: "a", Role: domain.RoleAuditor}

	type want struct {
		ids        []string // newest first
		restricted map[string]bool
	}
	tests := []struct {
		name  string
		actor domain.Actor
		want  want
	}{
		{"back office", e.Backoffice, want{[]string{other, invoice, idCopy, general}, nil}},
		{"client user c1", e.Client1, want{[]string{invoice, idCopy, general}, map[string]bool{idCopy: true}}},
		{"intermediary i1", e.Inter1, want{[]string{invoice, idCopy, general}, map[string]bool{idCopy: true}}},
		{"worker w1", e.Worker1, want{[]string{idCopy}, nil}},
		{"client user c2", e.Client2, want{[]string{other}, nil}},
		{"intermediary i2", e.Inter2, want{[]string{other}, nil}},
		{"payroll", payroll, want{nil, nil}},
		// Every tenant's, read-only; no ID copy (personal data).
		{"auditor", auditor, want{[]string{other, invoice, idCopy, general}, map[string]bool{idCopy: true}}},
	}
	all := []string{general, idCopy, invoice, other}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := e.Queries.List(ctx, tt.actor, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tt.want.ids) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(tt.want.ids), rows)
			}
			visible := map[string]bool{}
			for i, r := range rows {
				if r.ID != tt.want.ids[i] {
					t.Fatalf("row %d is %s (%s), want %s", i, r.ID, r.Title, tt.want.ids[i])
				}
				if r.Restricted != tt.want.restricted[r.ID] {
					t.Errorf("%s restricted = %v", r.Title, r.Restricted)
				}
				visible[r.ID] = true
			}
			for _, id := range all {
				d, err := e.Queries.Document(ctx, tt.actor, id)
				f, ferr := e.Queries.File(ctx, tt.actor, id)
				switch {
				case !visible[id]:
					if !errors.Is(err, domain.ErrNotFound) || !errors.Is(ferr, domain.ErrNotFound) {
						t.Errorf("%s: detail %v, file %v; want not found", id, err, ferr)
					}
				case tt.want.restricted[id]:
					if err != nil || !d.Restricted || !errors.Is(ferr, doc.ErrFileRestricted) || f.Content != nil {
						t.Errorf("%s: detail %v restricted %v, file %v; want restricted", id, err, d.Restricted, ferr)
					}
				default:
					if err != nil || ferr != nil || string(f.Content) != string(dt.PDF) {
						t.Errorf("%s: detail %v, file %v", id, err, ferr)
					}
				}
			}
		})
	}
	// Names, invoice fields and the kind filter.
	rows, err := e.Queries.List(ctx, e.Client1, "invoice")
	if err != nil || len(rows) != 1 || rows[0].Invoice == nil || rows[0].Invoice.Number != "F-7" || rows[0].Invoice.Date != "2026-02-01" ||
		rows[0].Invoice.AmountCents != 9950 || rows[0].ClientName != "Bakkerij Korenaar" || rows[0].UploadedByRole != domain.RoleBackoffice {
		t.Fatalf("invoices: %+v %v", rows, err)
	}
	d, err := e.Queries.Document(ctx, e.Backoffice, idCopy)
	if err != nil || d.WorkerName != "Jan Berg" || d.Category != "id_copy" || d.Request != nil {
		t.Fatalf("ID copy: %+v %v", d, err)
	}
	if _, err := e.Queries.List(ctx, e.Client1, "memo"); !errors.Is(err, &domain.Error{Code: "kind_invalid"}) {
		t.Fatalf("bad kind: %v", err)
	}
	// A file that no longer matches its checksum is never served: bytes
	// changed, or the row the event names gone.
	if _, err := e.Pool.Exec(ctx, `UPDATE document_files SET content = content || 'x'::bytea WHERE document_id = $1`, general); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Queries.File(ctx, e.Client1, general); err == nil || domain.KindOf(err) != domain.KindInternal {
		t.Fatalf("tampered file: %v", err)
	}
	if _, err := e.Pool.Exec(ctx, `UPDATE document_files SET sha256 = repeat('0', 64) WHERE document_id = $1`, general); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Queries.File(ctx, e.Client1, general); err == nil || domain.KindOf(err) != domain.KindInternal {
		t.Fatalf("file under another checksum: %v", err)
	}
}

// TestSignerNameWithoutAddressForTheAuditor: a signer who is no longer the
// client's contact person has no name but the login's address; the back
// office and the signer see it, the auditor sees the account only.
func TestSignerNameWithoutAddressForTheAuditor(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	res, id, err := e.Handler.Upload(ctx, dt.Meta(e.Client1), cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "c.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	if res, err = e.AskClient1(ctx, id); err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	auditor := domain.Actor{AccountID: "a", Role: domain.RoleAuditor}
	name := func(a domain.Actor) string {
		t.Helper()
		d, err := e.Queries.Document(ctx, a, id)
		if err != nil || d.Request == nil || d.Request.SignerAccountID != e.Client1.AccountID {
			t.Fatalf("%s: %+v, %v", a.Role, d.Request, err)
		}
		return d.Request.SignerName
	}
	contact := name(e.Backoffice)
	if contact == "" || strings.Contains(contact, "@") || name(auditor) != contact {
		t.Fatalf("the contact's name: back office %q, auditor %q", contact, name(auditor))
	}
	// The client's contact person changed (as client.details_changed does).
	if _, err := e.Pool.Exec(ctx, `UPDATE clients SET contact_email = 'nieuw@c1.test' WHERE client_id = 'c1'`); err != nil {
		t.Fatal(err)
	}
	if got := name(e.Backoffice); got != e.Emails["client1"] {
		t.Errorf("back office: signer %q, want the address", got)
	}
	if got := name(e.Client1); got != e.Emails["client1"] {
		t.Errorf("the signer: %q, want the address", got)
	}
	if got := name(auditor); got != "" {
		t.Errorf("auditor: signer %q, want none", got)
	}
}
