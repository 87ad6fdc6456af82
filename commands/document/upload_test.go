package document_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/domain/domaintest"
)

var code = domaintest.Code // a *domain.Error with only its code, for errors.Is

func TestUploadRules(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	inv := &doc.Invoice{Number: "F-2026-001", Date: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), AmountCents: 12100}
	tests := []struct {
		name     string
		actor    domain.Actor
		in       cmd.Upload
		wantType string
		wantErr  error
	}{
		{"client user, pdf", e.Client1, cmd.Upload{Title: "Overeenkomst", FileName: "overeenkomst.pdf", Content: dt.PDF}, "application/pdf", nil},
		{"client user, ID copy as png", e.Client1, cmd.Upload{Title: "Kopie ID", Category: doc.CategoryIDCopy, FileName: "id.png", Content: png}, "image/png", nil},
		{"plain text", e.Client1, cmd.Upload{Title: "Notitie", FileName: "n.txt", Content: []byte("Hallo, dit is tekst.\n")}, "text/plain; charset=utf-8", nil},
		{"name says pdf, content is html", e.Client1, cmd.Upload{Title: "X", FileName: "x.pdf", Content: []byte("<html><script>alert(1)</script></html>")}, "", code("file_type_not_allowed")},
		{"html under a harmless name", e.Client1, cmd.Upload{Title: "X", FileName: "x.txt", Content: []byte("Beste,\n<p onclick=x><script>alert(1)</script>")}, "", code("file_type_not_allowed")},
		{"svg with onload", e.Client1, cmd.Upload{Title: "X", FileName: "logo.svg", Content: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}, "", code("file_type_not_allowed")},
		{"text named page.html", e.Client1, cmd.Upload{Title: "X", FileName: "page.html", Content: []byte("Gewoon tekst.\n")}, "", code("file_type_not_allowed")},
		{"batch file", e.Client1, cmd.Upload{Title: "X", FileName: "run.bat", Content: []byte("@echo off\r\ndel *.*\r\n")}, "", code("file_type_not_allowed")},
		{"hta behind a pdf name", e.Client1, cmd.Upload{Title: "X", FileName: "factuur.pdf.HTA", Content: []byte("Gewoon tekst.\n")}, "", code("file_type_not_allowed")},
		{"exe hidden by a bidi override", e.Client1, cmd.Upload{Title: "X", FileName: "factuur\u202Efdp.exe", Content: []byte("Gewoon tekst.\n")}, "", code("file_type_not_allowed")},
		{"zip", e.Client1, cmd.Upload{Title: "X", FileName: "x.zip", Content: []byte("PK\x03\x04\x14\x00\x00\x00")}, "", code("file_type_not_allowed")},
		{"empty file", e.Client1, cmd.Upload{Title: "X", FileName: "x.pdf"}, "", code("file_empty")},
		{"over 2 MB", e.Client1, cmd.Upload{Title: "X", FileName: "x.pdf", Content: append(dt.PDF, make([]byte, doc.MaxSize)...)}, "", code("file_too_large")},
		{"empty title", e.Client1, cmd.Upload{Title: " ", FileName: "x.pdf", Content: dt.PDF}, "", code("required")},
		{"worker may not", e.Worker1, cmd.Upload{Title: "X", FileName: "x.pdf", Content: dt.PDF}, "", doc.Forbidden},
		{"intermediary may not", e.Inter1, cmd.Upload{ClientID: "c1", Title: "X", FileName: "x.pdf", Content: dt.PDF}, "", doc.Forbidden},
		{"client user for another company", e.Client2, cmd.Upload{ClientID: "c1", Title: "X", FileName: "x.pdf", Content: dt.PDF}, "", domain.ErrNotFound},
		{"client user may not add invoices", e.Client1, cmd.Upload{Kind: doc.KindInvoice, Title: "F", Content: dt.PDF, Invoice: inv}, "", doc.Forbidden},
		{"back office invoice", e.Backoffice, cmd.Upload{ClientID: "c1", Kind: doc.KindInvoice, Title: "Factuur februari", FileName: "f.pdf", Content: dt.PDF, Invoice: inv}, "application/pdf", nil},
		{"back office needs a client", e.Backoffice, cmd.Upload{Title: "X", Content: dt.PDF}, "", code("required")},
		{"unknown client", e.Backoffice, cmd.Upload{ClientID: "c9", Title: "X", Content: dt.PDF}, "", code("client_unknown")},
		{"worker of the client", e.Backoffice, cmd.Upload{ClientID: "c1", WorkerID: "w1", Category: doc.CategoryIDCopy, Title: "ID Jan", Content: png}, "image/png", nil},
		{"worker of another client", e.Backoffice, cmd.Upload{ClientID: "c2", WorkerID: "w1", Title: "X", Content: dt.PDF}, "", code("worker_unknown")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.Kind == "" {
				tt.in.Kind = doc.KindDocument
			}
			_, id, err := e.Handler.Upload(ctx, dt.Meta(tt.actor), tt.in)
			if domaintest.Refused(t, err, tt.wantErr) {
				return
			}
			var (
				ct      string
				content []byte
			)
			if err := e.Pool.QueryRow(ctx, `SELECT content_type, content FROM document_files WHERE document_id = $1`, id).Scan(&ct, &content); err != nil {
				t.Fatal(err)
			}
			if ct != tt.wantType || !bytes.Equal(content, tt.in.Content) {
				t.Fatalf("stored %q (%d bytes), want %q (%d bytes)", ct, len(content), tt.wantType, len(tt.in.Content))
			}
		})
	}
	// Refused uploads stored no file.
	var files int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM document_files`).Scan(&files); err != nil || files != 5 {
		t.Fatalf("%d files stored (%v), want 5", files, err)
	}
}

// TestUploadIdempotent: a retry with the same key is the same document.
func TestUploadIdempotent(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	meta := commands.Meta{Actor: e.Client1, IdempotencyKey: "upload-1"}
	in := cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "c.pdf", Content: dt.PDF}
	res1, id1, err := e.Handler.Upload(ctx, meta, in)
	if err != nil {
		t.Fatal(err)
	}
	res2, id2, err := e.Handler.Upload(ctx, meta, in)
	if err != nil {
		t.Fatal(err)
	}
	if id1 != id2 || res1.Position != res2.Position {
		t.Fatalf("retry gave %s@%s, first %s@%s", id2, res2.Position, id1, res1.Position)
	}
	// The same key with other content, or another title (the API's body,
	// the portal's form after the back button), is refused, not answered
	// as if it were the stored upload; the file is kept.
	other := in
	other.Content = append([]byte(nil), dt.PDF...)
	other.Content = append(other.Content, '\n')
	retitled := in
	retitled.Title = "Contract (getekend)"
	for _, up := range []cmd.Upload{other, retitled} {
		if _, _, err := e.Handler.Upload(ctx, meta, up); !errors.Is(err, code("idempotency_key_reused")) {
			t.Fatalf("reused key for %q: %v, want idempotency_key_reused", up.Title, err)
		}
	}
	f := wantFile(t, e, res1.Position, id1, dt.PDF)
	if !strings.HasPrefix(f.ContentType, "application/pdf") || f.FileName != "c.pdf" {
		t.Fatalf("file %q %q", f.FileName, f.ContentType)
	}
}

// TestUploadStoredWithContentKeyIsStillRetried: an upload stored before
// its event ID named the whole upload derived it from the key and the
// content alone. The same upload again (the demo seeds its documents under
// fixed keys at every start) must answer that document, not
// idempotency_key_reused: serve did not start on a data directory seeded
// by the previous binary.
func TestUploadStoredWithContentKeyIsStillRetried(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	meta := commands.Meta{Actor: e.Client1, IdempotencyKey: "seeded-before"}
	in := cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "c.pdf", Content: dt.PDF}
	// As the previous binary stored it (uploadNamespace, key|sha256).
	id := uuid.NewSHA1(uuid.MustParse("5d0c7c1e-55f4-4e7b-8a0b-2f4f3c6b9d11"), []byte(e.Client1.AccountID+"|seeded-before")).String()
	sum := sha256.Sum256(dt.PDF)
	sha := hex.EncodeToString(sum[:])
	legacy := meta
	legacy.IdempotencyKey += "|" + sha
	first, err := commands.Save(ctx, e.Store, commands.Stream{Name: doc.Stream(id)}, legacy, time.Now(), &doc.Uploaded{
		DocumentID: id, ClientID: e.Client1.ClientID, IntermediaryID: e.Inter1.IntermediaryID, Kind: doc.KindDocument,
		Category: doc.CategoryGeneral, Title: in.Title, FileName: in.FileName, ContentType: "application/pdf",
		Size: int64(len(dt.PDF)), SHA256: sha})
	if err != nil {
		t.Fatal(err)
	}
	res, got, err := e.Handler.Upload(ctx, meta, in)
	if err != nil || got != id || res.Position != first.Position {
		t.Fatalf("the same upload again: %s@%s %v, want %s@%s", got, res.Position, err, id, first.Position)
	}
}
