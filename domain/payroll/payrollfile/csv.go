package payrollfile

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"backoffice/domain/payroll"
)

// writeLoket writes Loket.nl "import variabele gegevens": header
// aanslnr;persnr;ploeg;<component>;... and one row per employee with the
// period's totals per Loket component (Loket replaces the period's values
// on import, so the totals include the confirmed batches of the period).
// Components without a quantity stay empty (Loket leaves them alone).
func writeLoket(w io.Writer, src Source) error {
	b := src.Batch
	idx := newIndex(b.Created.Mapping, payroll.TargetLoket)
	bw := bufio.NewWriter(w)
	header := []string{"aanslnr", "persnr", "ploeg"}
	for _, c := range idx.columns {
		header = append(header, c.component)
	}
	writeRow(bw, header)
	// This batch's employees, with the included batches' items of the
	// same employees added.
	prior := map[string][]payroll.Item{}
	for _, inc := range src.Included {
		for _, it := range inc.Items {
			prior[it.PersonnelNumber] = append(prior[it.PersonnelNumber], it)
		}
	}
	flush := func(persnr string, totals []int64, set []bool) {
		row := []string{b.Created.Settings.Administration, persnr, ""}
		for i, c := range idx.columns {
			cell := ""
			if set[i] {
				cell = Decimal(c.unit, totals[i], ',')
			}
			row = append(row, cell)
		}
		writeRow(bw, row)
	}
	add := func(totals []int64, set []bool, it payroll.Item) {
		for _, q := range it.Quantities() {
			i, _ := idx.component(q)
			totals[i] += q.Value
			set[i] = true
		}
	}
	var (
		cur    string
		totals []int64
		set    []bool
	)
	for n, it := range b.Items {
		if n == 0 || it.PersonnelNumber != cur {
			if n > 0 {
				flush(cur, totals, set)
			}
			cur = it.PersonnelNumber
			totals, set = make([]int64, len(idx.columns)), make([]bool, len(idx.columns))
			for _, p := range prior[cur] {
				add(totals, set, p)
			}
		}
		add(totals, set, it)
	}
	if len(b.Items) > 0 {
		flush(cur, totals, set)
	}
	return bw.Flush()
}

// writeEasyflex writes the Easyflex hours CSV: one row per employee, date
// and looncomponent (werknemer;relatie;datum;looncomponent;aantal), dates
// as dd-mm-yyyy, quantities with a decimal comma.
func writeEasyflex(w io.Writer, b *payroll.Batch) error {
	idx := newIndex(b.Created.Mapping, payroll.TargetEasyflex)
	bw := bufio.NewWriter(w)
	writeRow(bw, []string{"werknemer", "relatie", "datum", "looncomponent", "aantal"})
	type key struct {
		date string // YYYY-MM-DD, sorts by date
		col  int
	}
	var (
		cur  string
		sums = map[key]int64{}
	)
	flush := func() {
		keys := make([]key, 0, len(sums))
		for k := range sums {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b key) int {
			if c := strings.Compare(a.date, b.date); c != 0 {
				return c
			}
			return strings.Compare(idx.columns[a.col].component, idx.columns[b.col].component)
		})
		for _, k := range keys {
			c := idx.columns[k.col]
			d := k.date
			writeRow(bw, []string{cur, b.Created.Settings.Relation, d[8:10] + "-" + d[5:7] + "-" + d[0:4],
				c.component, Decimal(c.unit, sums[k], ',')})
		}
		clear(sums)
	}
	for n, it := range b.Items {
		if n > 0 && it.PersonnelNumber != cur {
			flush()
		}
		cur = it.PersonnelNumber
		for _, q := range it.Quantities() {
			i, _ := idx.component(q)
			sums[key{date: q.Date.String(), col: i}] += q.Value
		}
	}
	flush()
	return bw.Flush()
}

// writeRow writes one CSV row with ';' and CRLF. Every cell is a checked
// code, number or date (no separator, quote or line break can occur), so
// no quoting is needed; a cell that has one anyway is a programming error.
func writeRow(w *bufio.Writer, cells []string) {
	for i, c := range cells {
		if strings.ContainsAny(c, ";\"\r\n") {
			panic(fmt.Sprintf("payrollfile: unsafe CSV cell %q", c))
		}
		if i > 0 {
			w.WriteByte(';')
		}
		w.WriteString(c)
	}
	w.WriteString("\r\n")
}
