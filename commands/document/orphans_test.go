package document_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// TestPurgeOrphanFiles: the file of an upload whose append ended without a
// verdict is kept at first, and removed once it is older than a day while
// no event names it. A document's files (every version's) are never removed,
// also not while the read model knows nothing (as during a rebuild).
func TestPurgeOrphanFiles(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.SetNow(start)

	kept, id, err := e.Handler.Upload(ctx, commands.Meta{Actor: e.Client1, IdempotencyKey: "kept"},
		cmd.Upload{Kind: doc.KindDocument, Title: "Contract", FileName: "k.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	// A second version: both versions' files are the document's.
	kept, _, err = e.Handler.AddVersion(ctx, commands.Meta{Actor: e.Client1}, id, cmd.NewVersion{FileName: "k2.pdf",
		Content: append(append([]byte(nil), dt.PDF...), " v2"...)})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, kept.Position)
	failing := gatedHandler(t, e, &gatedStore{beforeAppend: func() error {
		return fmt.Errorf("connection reset: %w", eventstore.ErrUnavailable)
	}})
	if _, _, err := failing.Upload(ctx, commands.Meta{Actor: e.Client1, IdempotencyKey: "lost"},
		cmd.Upload{Kind: doc.KindDocument, Title: "Verloren", FileName: "l.pdf", Content: append([]byte(nil), dt.PDF...)}); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("the failing upload: %v", err)
	}
	total := func() int {
		t.Helper()
		var n int
		if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM document_files`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := total(); n != 3 {
		t.Fatalf("%d file rows after the failed upload, want 3 (the orphan is kept at first)", n)
	}
	if n, err := e.Handler.PurgeOrphanFiles(ctx, start.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("purge after an hour removed %d (%v), want 0", n, err)
	}
	// As during a rebuild: the read model names no document at all.
	if _, err := e.Pool.Exec(ctx, `DELETE FROM documents; DELETE FROM document_versions`); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Handler.PurgeOrphanFiles(ctx, start.Add(cmd.OrphanFileAge+time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge after a day removed %d (%v), want the orphan only", n, err)
	}
	if files(t, e, id) != 2 || total() != 2 {
		t.Fatalf("the document's file was removed (rows left: %d)", total())
	}
}
