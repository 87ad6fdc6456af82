// Package payrollfile writes the import files of an export batch: Loket.nl
// "import variabele gegevens" CSV, the Nmbrs import sheet (xlsx), the
// Easyflex hours CSV and canonical JSON lines. Every file is a pure
// function of the batch as the ledger has it (payroll.Batch, plus for Loket
// the confirmed batches it includes), so replaying the ledger reproduces
// it byte for byte. Files are written item by item to the writer; only one
// worker's totals are held at a time.
//
// Numbers: hours are decimal hours with two decimals computed from whole
// minutes in integers (never floating point), amounts euros with two
// decimals from whole cents, kilometres whole; a decimal comma in the CSV
// files. See docs/payroll.md for the layout of each file.
package payrollfile

import (
	"fmt"
	"io"
	"slices"

	"backoffice/domain"
	"backoffice/domain/payroll"
)

// Format is an export file format.
type Format string

const (
	Loket    Format = "loket.csv"
	Nmbrs    Format = "nmbrs.xlsx"
	Easyflex Format = "easyflex.csv"
	JSONL    Format = "jsonl"
)

// Formats lists the formats in a stable order.
var Formats = []Format{Loket, Nmbrs, Easyflex, JSONL}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if !slices.Contains(Formats, f) {
		return "", domain.Invalid("format_invalid", "format",
			"the format is loket.csv, nmbrs.xlsx, easyflex.csv or jsonl",
			"Het formaat is loket.csv, nmbrs.xlsx, easyflex.csv of jsonl.")
	}
	return f, nil
}

// ContentType is the file's media type.
func (f Format) ContentType() string {
	switch f {
	case Nmbrs:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case JSONL:
		return "application/jsonl"
	}
	return "text/csv; charset=utf-8"
}

// FileName is the name a batch's file is downloaded as: the batch and the
// format, ending in the format's extension (JSON lines: "<batch>.jsonl").
func (f Format) FileName(batch string) string {
	if f == JSONL {
		return batch + ".jsonl"
	}
	return batch + "-" + string(f)
}

// target is the payroll package whose components a format uses.
func (f Format) target() payroll.Target {
	switch f {
	case Loket:
		return payroll.TargetLoket
	case Nmbrs:
		return payroll.TargetNmbrs
	case Easyflex:
		return payroll.TargetEasyflex
	}
	return ""
}

// Items hands the items of a batch to fn one at a time, in file order,
// stopping at fn's first error. Reading them from the ledger one event at a
// time keeps a file's memory flat however large the batch.
type Items func(fn func(payroll.Item) error) error

// Source is what a file is made of: the batch's created event, its items
// and, for Loket, the items of the confirmed batches it includes. Check
// reads Created.Sources and, for Loket, the items' corrections.
type Source struct {
	Created  payroll.BatchCreated
	Items    Items
	Included Items // nil when there are none
}

// Of is the Source of batches held in memory (items kept).
func Of(b *payroll.Batch, included ...*payroll.Batch) Source {
	src := Source{Created: b.Created, Items: slice(b.Items)}
	if len(included) > 0 {
		src.Included = func(fn func(payroll.Item) error) error {
			for _, inc := range included {
				if err := slice(inc.Items)(fn); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return src
}

func slice(items []payroll.Item) Items {
	return func(fn func(payroll.Item) error) error {
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		return nil
	}
}

// Write writes the batch's file in format f to w. A format whose package
// lacks a component for one of the batch's quantities is refused
// (mapping_incomplete): the client's own package is checked at creation,
// the others only here.
func Write(w io.Writer, f Format, src Source) error {
	if err := Check(f, src); err != nil {
		return err
	}
	return WriteChecked(w, f, src)
}

// WriteChecked is Write after the caller ran Check (which reads a Loket
// batch's items once more).
func WriteChecked(w io.Writer, f Format, src Source) error {
	switch f {
	case Loket:
		return writeLoket(w, src)
	case Nmbrs:
		return writeNmbrs(w, src)
	case Easyflex:
		return writeEasyflex(w, src)
	case JSONL:
		return writeJSONL(w, src)
	}
	return fmt.Errorf("payrollfile: unknown format %q", f)
}

// Check reports, before anything is written, whether Write can write the
// file (mapping_incomplete otherwise).
func Check(f Format, src Source) error {
	if f == JSONL {
		return nil
	}
	if err := complete(src, f.target()); err != nil {
		return err
	}
	if f == Loket {
		return loketTotalsKnown(src)
	}
	return nil
}

// loketTotalsKnown refuses a Loket file whose totals would be wrong.
// Loket replaces a period's values with the file's, so a correction's row
// carries the employee's new totals: the included batches' content plus
// the difference. When the corrected content was imported in a batch
// that is not one of them (reported through the feed), the row would
// hold the difference alone, e.g. -1,00 hours as the period's total. It
// reads the items (Loket only), before a byte is written.
func loketTotalsKnown(src Source) error {
	return src.Items(func(it payroll.Item) error {
		if c := it.Correction; c != nil && !slices.Contains(src.Created.Includes, c.OriginalBatch) {
			return domain.Rule("loket_totals_unknown", "format",
				fmt.Sprintf("timesheet %s corrects content imported in batch %q, which is no confirmed export batch of this period: "+
					"Loket replaces the period's values and the new totals are not known; use the Easyflex or JSON lines file (differences) or correct it in Loket by hand",
					it.Key(), c.OriginalBatch),
				fmt.Sprintf("Urenbriefje %s corrigeert wat in batch %q is geïmporteerd, geen bevestigde exportbatch van deze periode: "+
					"Loket vervangt de waarden van de periode en de nieuwe totalen zijn niet bekend. Gebruik het Easyflex- of JSON-bestand (verschillen) of corrigeer het in Loket met de hand.",
					it.Key(), c.OriginalBatch))
		}
		return nil
	})
}

// complete checks that every quantity has a component in target.
func complete(src Source, target payroll.Target) error {
	have := map[string]bool{}
	for _, m := range src.Created.Mapping {
		if m.Component(target) != "" {
			have[string(m.Kind)+":"+m.Code] = true
		}
	}
	for _, s := range src.Created.Sources {
		if !have[s] {
			return domain.Rule("mapping_incomplete", "format",
				fmt.Sprintf("no %s component is mapped for %s", target, s),
				fmt.Sprintf("Geen %s-looncomponent gekoppeld voor %s.", target, s))
		}
	}
	return nil
}

// index finds a quantity's component and the columns of a target.
type index struct {
	bySource map[string]int // kind|code → column
	columns  []column
}

type column struct {
	component string
	unit      string
}

func newIndex(mapping []payroll.Mapping, target payroll.Target) index {
	idx := index{bySource: map[string]int{}}
	at := map[string]int{}
	for _, m := range mapping {
		c := m.Component(target)
		if c == "" {
			continue
		}
		i, ok := at[c]
		if !ok {
			i = len(idx.columns)
			at[c] = i
			idx.columns = append(idx.columns, column{component: c, unit: m.Unit()})
		}
		idx.bySource[string(m.Kind)+"|"+m.Code] = i
	}
	return idx
}

func (idx index) component(q payroll.Quantity) (int, bool) {
	i, ok := idx.bySource[string(q.Kind)+"|"+q.Code]
	return i, ok
}

// Decimal renders v in unit with separator sep: minutes as hours with two
// decimals (rounded half away from zero to the hundredth), cents as euros,
// kilometres whole. Integer arithmetic only.
func Decimal(unit string, v int64, sep byte) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	switch unit {
	case "km":
		return fmt.Sprintf("%s%d", sign, v)
	case "minutes":
		v = (v*100 + 30) / 60 // hundredths of an hour
	}
	return fmt.Sprintf("%s%d%c%02d", sign, v/100, sep, v%100)
}
