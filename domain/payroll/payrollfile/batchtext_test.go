package payrollfile_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"backoffice/domain"
	"backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
)

// TestEasyflexQuotesAFreeTextBatch: correctie_op holds the import batch
// the payroll package reported through the feed (POST /payroll/imported:
// one line of at most 100 characters, so ';' and '"' are allowed). Such a
// batch made writeRow panic in the middle of the download: the API had
// already answered 200 and the payroll package received an empty file.
// The cell is now quoted as RFC 4180 says, and reads back as the batch.
func TestEasyflexQuotesAFreeTextBatch(t *testing.T) {
	const batch = `loket;2026 "r2"`
	b := sample()
	b.Items[3].Correction = &payroll.Correction{OriginalBatch: batch, OriginalRound: 1}
	var buf bytes.Buffer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("writing the Easyflex file panicked: %v", r)
			}
		}()
		if err := payrollfile.Write(&buf, payrollfile.Easyflex, payrollfile.Of(b, included())); err != nil {
			t.Fatal(err)
		}
	}()
	r := csv.NewReader(&buf)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the file is no valid CSV: %v\n%s", err, buf.String())
	}
	corrections := 0
	for _, row := range rows[1:] {
		if len(row) != 6 {
			t.Fatalf("row %q has %d cells, want 6", row, len(row))
		}
		if row[5] != "" {
			corrections++
			if row[5] != batch {
				t.Fatalf("correctie_op reads back as %q, want %q", row[5], batch)
			}
		}
	}
	if corrections == 0 {
		t.Fatalf("no correction row in\n%s", buf.String())
	}
}

// TestEasyflexBatchIsNoFormula: a batch reported through the feed is free
// text, so it can start with '=', '+', '-' or '@'. Excel and LibreOffice
// open such a correctie_op cell of the CSV as a formula (CSV injection:
// "=HYPERLINK(…)", "=cmd|' /C calc'!A0"). The cell is written as text:
// a leading apostrophe (OWASP's advice), quoted where it needs it.
func TestEasyflexBatchIsNoFormula(t *testing.T) {
	for _, batch := range []string{`=cmd|' /C calc'!A0`, `+31 mei`, `-2026`, `@SUM(1;2)`, "=HYPERLINK(\"http://x\";\"klik\")"} {
		b := sample()
		b.Items[3].Correction = &payroll.Correction{OriginalBatch: batch, OriginalRound: 1}
		var buf bytes.Buffer
		if err := payrollfile.Write(&buf, payrollfile.Easyflex, payrollfile.Of(b, included())); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(&buf)
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: no valid CSV: %v", batch, err)
		}
		found := false
		for _, row := range rows[1:] {
			if row[5] == "" {
				continue
			}
			found = true
			if row[5] != "'"+batch {
				t.Fatalf("correctie_op is %q, want %q (text, no formula)", row[5], "'"+batch)
			}
		}
		if !found {
			t.Fatalf("%s: no correction row in\n%s", batch, buf.String())
		}
	}
}

// TestNmbrsNameIsNoFormula: a worker's name is written to the Nmbrs sheet
// as a string cell, never as a formula, and diacritics stay as they are.
func TestNmbrsNameIsNoFormula(t *testing.T) {
	b := sample()
	names := map[string]string{"10": "=cmd|' /C calc'!A0", "20": "Zoë Çelik-Ñúñez"}
	for i := range b.Items {
		b.Items[i].Name = names[b.Items[i].PersonnelNumber]
	}
	var buf bytes.Buffer
	if err := payrollfile.Write(&buf, payrollfile.Nmbrs, payrollfile.Of(b, included())); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for row, persnr := range map[int]string{2: "10", 3: "20"} {
		cell := fmt.Sprintf("D%d", row)
		v, err := f.GetCellValue(payrollfile.NmbrsSheet, cell)
		if err != nil || v != names[persnr] {
			t.Fatalf("%s = %q %v, want %q", cell, v, err, names[persnr])
		}
		if formula, err := f.GetCellFormula(payrollfile.NmbrsSheet, cell); err != nil || formula != "" {
			t.Fatalf("%s is a formula %q %v", cell, formula, err)
		}
		if typ, err := f.GetCellType(payrollfile.NmbrsSheet, cell); err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Fatalf("%s has cell type %v %v, want a string", cell, typ, err)
		}
	}
}

// TestLoketRefusesACorrectionOfAFeedImport: Loket replaces a period's
// values with the file's, so a correction's row must carry the new totals:
// the included (confirmed) batches' content plus the difference. When the
// corrected content was imported through the feed (its batch is none of
// the included export batches), those totals are unknown, and the row
// would carry the difference alone (-1,00 hours as the week's total).
// Loket is refused (422) before a byte is written; the other formats,
// which carry differences, are made.
func TestLoketRefusesACorrectionOfAFeedImport(t *testing.T) {
	b := sample()
	b.Items[3].Correction = &payroll.Correction{OriginalBatch: "loket-feed-2026-05", OriginalRound: 1}
	var buf bytes.Buffer
	err := payrollfile.Write(&buf, payrollfile.Loket, payrollfile.Of(b, included()))
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "loket_totals_unknown" || de.Kind != domain.KindRule || buf.Len() != 0 {
		t.Fatalf("Loket with a correction of a feed import: %v, %d bytes:\n%s", err, buf.Len(), buf.String())
	}
	if !strings.Contains(de.MessageNL, "loket-feed-2026-05") {
		t.Fatalf("the Dutch message does not name the batch: %s", de.MessageNL)
	}
	for _, f := range []payrollfile.Format{payrollfile.Easyflex, payrollfile.Nmbrs, payrollfile.JSONL} {
		if err := payrollfile.Write(&bytes.Buffer{}, f, payrollfile.Of(b, included())); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// Corrected within export batches (the sample's own case): Loket is made.
	if err := payrollfile.Write(&bytes.Buffer{}, payrollfile.Loket, payrollfile.Of(sample(), included())); err != nil {
		t.Fatal(err)
	}
}

// TestFileNamesHaveTheirExtension: a downloaded file is named after its
// batch and ends in its format's extension. JSON lines were named
// "<batch>-jsonl", without one, so the browser saved a file no program
// opens by double-click.
func TestFileNamesHaveTheirExtension(t *testing.T) {
	want := map[payrollfile.Format]string{
		payrollfile.Loket: "c1_2026-W05_2-loket.csv", payrollfile.Nmbrs: "c1_2026-W05_2-nmbrs.xlsx",
		payrollfile.Easyflex: "c1_2026-W05_2-easyflex.csv", payrollfile.JSONL: "c1_2026-W05_2.jsonl"}
	for _, f := range payrollfile.Formats {
		if got := f.FileName("c1_2026-W05_2"); got != want[f] {
			t.Errorf("%s: %q, want %q", f, got, want[f])
		}
	}
}
