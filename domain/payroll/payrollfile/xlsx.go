package payrollfile

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"backoffice/domain/payroll"
)

// NmbrsSheet is the sheet Nmbrs imports variable wage components from.
const NmbrsSheet = "Variabele Looncomponenten"

// writeNmbrs writes the Nmbrs import sheet: columns Debiteurnr, Bedrijfnr,
// Persnr, Naam, Periode ("2026-05": year and period number), then one
// column per Nmbrs component; one row per employee with the batch's totals.
// Rows go through excelize's stream writer (spilled to a temporary file
// when large), so memory does not grow with the batch.
func writeNmbrs(w io.Writer, src Source) error {
	idx := newIndex(src.Created.Mapping, payroll.TargetNmbrs)
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", NmbrsSheet); err != nil {
		return fmt.Errorf("payrollfile: nmbrs: %w", err)
	}
	sw, err := f.NewStreamWriter(NmbrsSheet)
	if err != nil {
		return fmt.Errorf("payrollfile: nmbrs: %w", err)
	}
	header := []any{"Debiteurnr", "Bedrijfnr", "Persnr", "Naam", "Periode"}
	for _, c := range idx.columns {
		header = append(header, c.component)
	}
	row := 1
	put := func(cells []any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		row++
		return sw.SetRow(cell, cells)
	}
	if err := put(header); err != nil {
		return fmt.Errorf("payrollfile: nmbrs: %w", err)
	}
	s := src.Created.Settings
	period := fmt.Sprintf("%04d-%02d", src.Created.Period.Year, src.Created.Period.Number)
	start := func(string) *totals { return newTotals(len(idx.columns)) }
	err = perEmployee(src.Items, idx, start, func(first payroll.Item, t *totals) error {
		cells := []any{s.DebtorNumber, s.Administration, first.PersonnelNumber, first.Name, period}
		for i, c := range idx.columns {
			cells = append(cells, numberCell(c.unit, t.sums[i], t.set[i]))
		}
		return put(cells)
	})
	if err != nil {
		return fmt.Errorf("payrollfile: nmbrs: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("payrollfile: nmbrs: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("payrollfile: nmbrs: %w", err)
	}
	return nil
}

// numberCell is a numeric cell: the exact two-decimal text (integer
// arithmetic, see Decimal) handed to excelize as the float64 it parses to;
// excelize writes floats in their shortest form, which is that same text.
func numberCell(unit string, v int64, set bool) any {
	if !set {
		return nil
	}
	if unit == "km" {
		return v
	}
	x, _ := strconv.ParseFloat(Decimal(unit, v, '.'), 64)
	return x
}
