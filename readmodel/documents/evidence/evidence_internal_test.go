package evidence

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/eventstore/ledger"
)

// TestEvidenceShowsTheLedger renders the evidence uncompressed and reads
// the text back: the hashes, the versions, the answer, the request's trail
// with the connection and the consent text, and every event are in it.
func TestEvidenceShowsTheLedger(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	var trail []eventstore.RecordedEvent
	prev := eventstore.ZeroHash
	for i, typ := range []string{"document.uploaded", "document.version_added", "document.signature_requested", "document.signing_screen_opened",
		"document.tan_rejected", "document.signed"} {
		e := eventstore.RecordedEvent{ID: uuid.New(), Stream: "document-d1", Revision: uint64(i), Type: typ, Data: json.RawMessage(`{}`),
			Position: eventstore.Position{Commit: 700 + uint64(i), Prepare: 1}, Metadata: eventstore.Metadata{ActorRole: "client", ActorID: "acc-c1", OccurredAt: at}}
		e.Seal(prev, at)
		prev = e.Hash
		trail = append(trail, e)
	}
	sum, sum2 := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	ev := Evidence{DocumentID: "d1", Title: "Overeenkomst Bakkerij Korenaar", FileName: "overeenkomst.pdf", Kind: "document", Category: "general",
		Size: 1234, UploadSHA256: sum, RequestID: "r1", Signer: "acc-c1", RequestedAt: at, ExpiresAt: at.Add(72 * time.Hour),
		Versions:       []Version{{N: 1, FileName: "overeenkomst.pdf", Size: 1234, SHA256: sum, At: at}, {N: 2, FileName: "overeenkomst-v2.pdf", Size: 1300, SHA256: sum2, At: at}},
		RequestVersion: 2, RequestSHA256: sum2, AnsweredVersion: 2,
		Outcome: "signed", AnsweredAt: at.Add(time.Hour), AnsweredBy: "acc-c1", AnsweredSHA256: sum2, Trail: trail, ChainIntact: true,
		ConsentSHA256: doc.ConsentSHA256("nl"), ConsentText: doc.ConsentText("nl"),
		Steps: []Step{{At: at, What: "ondertekenscherm geopend", Actor: "acc-c1", Connection: "IP 203.0.113.9; Mozilla/5.0"},
			{At: at, What: "onjuiste verificatiecode (poging 1)", Actor: "acc-c1", Connection: "IP 203.0.113.9; Mozilla/5.0"}},
		Digest: &ledger.Record{Position: eventstore.Position{Commit: 705, Prepare: 1}, Events: 40, Digest: prev, RecordedAt: at}}
	b, err := Render(ev, false, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(20, len(b))])
	}
	for _, want := range []string{"Bewijs van ondertekening", sum, sum2, `Akkoord \(ondertekend\)`, "r1", "acc-c1", "Zelfde bestand",
		"Versie 2", "overeenkomst-v2.pdf", "versie 2, SHA-256", "ondertekenscherm geopend", `onjuiste verificatiecode \(poging 1\)`,
		"IP 203.0.113.9; Mozilla/5.0", doc.ConsentSHA256("nl"), "onderteken ik deze versie",
		"document.signature_requested", "document.tan_rejected", trail[0].Hash.String(), trail[5].Hash.String(), "705-1", "intact"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	// A tampered chain says so.
	ev.ChainIntact, ev.ChainProblem = false, "revision 2: hash does not match"
	b, err = Render(ev, false, at)
	if err != nil || !bytes.Contains(b, []byte("NIET INTACT: revision 2: hash does not match")) {
		t.Fatalf("a broken chain is not shown: %v", err)
	}
	// ... and says so first, above the facts it no longer proves (it was
	// one row near the end, below "ondertekend").
	warn, facts := bytes.Index(b, []byte("LET OP: de hashketen van dit document is NIET INTACT")), bytes.Index(b, []byte("overeenkomst-v2.pdf"))
	if warn < 0 || facts < 0 || warn > facts {
		t.Fatalf("the warning (at %d) is not above the document's facts (at %d)", warn, facts)
	}
	ev.ChainIntact = true
	if b, _ := Render(ev, false, at); bytes.Contains(b, []byte("LET OP")) {
		t.Fatal("an intact chain is warned about")
	}
}
