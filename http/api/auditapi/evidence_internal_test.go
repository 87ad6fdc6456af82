package auditapi

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
)

// TestEvidenceShowsTheLedger renders the evidence uncompressed and reads
// the text back: the hashes, the answer and every event are in it.
func TestEvidenceShowsTheLedger(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	var trail []eventstore.RecordedEvent
	prev := eventstore.ZeroHash
	for i, typ := range []string{"document.uploaded", "document.signature_requested", "document.signed"} {
		e := eventstore.RecordedEvent{ID: uuid.New(), Stream: "document-d1", Revision: uint64(i), Type: typ, Data: json.RawMessage(`{}`),
			Position: eventstore.Position{Commit: 700 + uint64(i), Prepare: 1}, Metadata: eventstore.Metadata{ActorRole: "client", ActorID: "acc-c1", OccurredAt: at}}
		e.Seal(prev, at)
		prev = e.Hash
		trail = append(trail, e)
	}
	sum := strings.Repeat("ab", 32)
	ev := Evidence{DocumentID: "d1", Title: "Overeenkomst Bakkerij Korenaar", FileName: "overeenkomst.pdf", Kind: "document", Category: "general",
		Size: 1234, UploadSHA256: sum, RequestID: "r1", Signer: "acc-c1", RequestedAt: at, ExpiresAt: at.Add(72 * time.Hour),
		Outcome: "signed", AnsweredAt: at.Add(time.Hour), AnsweredBy: "acc-c1", AnsweredSHA256: sum, Trail: trail, ChainIntact: true,
		Digest: &ledger.Record{Position: eventstore.Position{Commit: 702, Prepare: 1}, Events: 40, Digest: prev, RecordedAt: at}}
	b, err := renderEvidence(ev, false, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(20, len(b))])
	}
	for _, want := range []string{"Bewijs van ondertekening", sum, `Akkoord \(ondertekend\)`, "r1", "acc-c1", "Zelfde bestand",
		"document.signature_requested", trail[0].Hash.String(), trail[2].Hash.String(), "702-1", "intact"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	// A tampered chain says so.
	ev.ChainIntact, ev.ChainProblem = false, "revision 2: hash does not match"
	b, err = renderEvidence(ev, false, at)
	if err != nil || !bytes.Contains(b, []byte("NIET INTACT: revision 2: hash does not match")) {
		t.Fatalf("a broken chain is not shown: %v", err)
	}
}
