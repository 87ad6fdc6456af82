package payrollfile_test

import (
	"bytes"
	"encoding/csv"
	"testing"

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
