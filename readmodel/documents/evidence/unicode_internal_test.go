package evidence

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf16"
)

// TestEvidenceKeepsNamesOutsideCP1252: the PDF's standard fonts know only
// Windows-1252, so a remark "Akkoord, Kübra Yılmaz" read "Y?lmaz" in the
// signing evidence (and Łukasz, Ştefan, Greek or Cyrillic names alike). Such
// a value is now written in an embedded Unicode font; cp1252 text stays in
// the standard fonts, byte for byte as before.
func TestEvidenceKeepsNamesOutsideCP1252(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	ev := Evidence{DocumentID: "d1", Title: "Contract Łukasz Ştefan", FileName: "contract.pdf", Kind: "document", Category: "general",
		RequestID: "r1", Signer: "acc-c1", Outcome: "signed", Remark: "Akkoord, Kübra Yılmaz", ChainIntact: true}
	b, err := Render(ev, false, at)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("Y?lmaz")) || bytes.Contains(b, []byte("?ukasz")) {
		t.Fatal("the evidence prints runes outside cp1252 as '?'")
	}
	for _, want := range []string{"Kübra Yılmaz", "Łukasz Ştefan"} {
		if !bytes.Contains(b, utf16be(want)) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	// Runes the font lacks (emoji, CJK, Arabic) still make a PDF.
	ev.Remark = "Akkoord 😀 契約 عقد"
	if b, err := Render(ev, false, at); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("a remark with emoji and CJK: %v", err)
	}
	// Dutch text without such runes keeps the standard fonts.
	ev.Title, ev.Remark = "Overeenkomst café", "Akkoord, José"
	b, err = Render(ev, false, at)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("gomono")) || !bytes.Contains(b, []byte("Akkoord, Jos\xe9")) {
		t.Fatal("cp1252 text left the standard fonts")
	}
}

// utf16be is s as the PDF holds text in a Unicode (Type0) font.
func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}
