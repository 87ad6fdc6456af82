package payrollfile

import (
	"bufio"
	"io"
	"slices"
	"strings"

	"backoffice/domain/payroll"
)

// totals are one employee's sums per column.
type totals struct {
	sums []int64
	set  []bool
}

func newTotals(n int) *totals { return &totals{sums: make([]int64, n), set: make([]bool, n)} }

func (t *totals) add(idx index, it payroll.Item) {
	for _, q := range it.Quantities() {
		i, _ := idx.component(q)
		t.sums[i] += q.Value
		t.set[i] = true
	}
}

// perEmployee runs the items and calls flush with each employee's totals
// once their items are done (items come sorted by personnel number). Only
// one employee's totals are held.
func perEmployee(items Items, idx index, start func(persnr string) *totals, flush func(first payroll.Item, t *totals) error) error {
	var (
		cur   *totals
		first payroll.Item
	)
	err := items(func(it payroll.Item) error {
		if cur != nil && it.PersonnelNumber != first.PersonnelNumber {
			if err := flush(first, cur); err != nil {
				return err
			}
			cur = nil
		}
		if cur == nil {
			first, cur = it, start(it.PersonnelNumber)
		}
		cur.add(idx, it)
		return nil
	})
	if err != nil || cur == nil {
		return err
	}
	return flush(first, cur)
}

// writeLoket writes Loket.nl "import variabele gegevens": header
// aanslnr;persnr;ploeg;<component>;... and one row per employee with the
// period's totals per Loket component (Loket replaces the period's values
// on import, so the totals include the confirmed batches of the period).
// Components without a quantity stay empty (Loket leaves them alone).
func writeLoket(w io.Writer, src Source) error {
	idx := newIndex(src.Created.Mapping, payroll.TargetLoket)
	bw := bufio.NewWriter(w)
	header := []string{"aanslnr", "persnr", "ploeg"}
	for _, c := range idx.columns {
		header = append(header, c.component)
	}
	writeRow(bw, header)
	// The included batches' totals per employee (one row of sums each).
	prior := map[string]*totals{}
	if src.Included != nil {
		err := src.Included(func(it payroll.Item) error {
			t := prior[it.PersonnelNumber]
			if t == nil {
				t = newTotals(len(idx.columns))
				prior[it.PersonnelNumber] = t
			}
			t.add(idx, it)
			return nil
		})
		if err != nil {
			return err
		}
	}
	start := func(persnr string) *totals {
		t := newTotals(len(idx.columns))
		if p := prior[persnr]; p != nil {
			copy(t.sums, p.sums)
			copy(t.set, p.set)
		}
		return t
	}
	err := perEmployee(src.Items, idx, start, func(first payroll.Item, t *totals) error {
		row := []string{src.Created.Settings.Administration, first.PersonnelNumber, ""}
		for i, c := range idx.columns {
			cell := ""
			if t.set[i] {
				cell = Decimal(c.unit, t.sums[i], ',')
			}
			row = append(row, cell)
		}
		writeRow(bw, row)
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeEasyflex writes the Easyflex hours CSV: one row per employee, date
// and looncomponent (werknemer;relatie;datum;looncomponent;aantal;
// correctie_op), dates as dd-mm-yyyy, quantities with a decimal comma. A
// correction's rows carry the difference (negative or positive) and the
// batch of the content corrected in correctie_op; other rows leave it empty.
func writeEasyflex(w io.Writer, src Source) error {
	idx := newIndex(src.Created.Mapping, payroll.TargetEasyflex)
	bw := bufio.NewWriter(w)
	writeRow(bw, []string{"werknemer", "relatie", "datum", "looncomponent", "aantal", "correctie_op"})
	type key struct {
		date string // YYYY-MM-DD, sorts by date
		col  int
		of   string // the corrected batch; "" for plain rows
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
			if c := strings.Compare(idx.columns[a.col].component, idx.columns[b.col].component); c != 0 {
				return c
			}
			return strings.Compare(a.of, b.of)
		})
		for _, k := range keys {
			if sums[k] == 0 {
				continue // corrections that cancel out
			}
			c := idx.columns[k.col]
			d := k.date
			writeRow(bw, []string{cur, src.Created.Settings.Relation, d[8:10] + "-" + d[5:7] + "-" + d[0:4],
				c.component, Decimal(c.unit, sums[k], ','), textCell(k.of)})
		}
		clear(sums)
	}
	err := src.Items(func(it payroll.Item) error {
		if it.PersonnelNumber != cur {
			flush()
		}
		cur = it.PersonnelNumber
		of := ""
		if it.Correction != nil {
			of = it.Correction.OriginalBatch
		}
		for _, q := range it.Quantities() {
			i, _ := idx.component(q)
			sums[key{date: q.Date.String(), col: i, of: of}] += q.Value
		}
		return nil
	})
	if err != nil {
		return err
	}
	flush()
	return bw.Flush()
}

// textCell is a free-text cell that a spreadsheet must not take for a
// formula (CSV injection): one starting with '=', '+', '-', '@', a tab or
// a carriage return gets a leading apostrophe, as OWASP advises. Only the
// free text goes through it: numbers such as -1,00 are numbers.
func textCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeRow writes one CSV row with ';' and CRLF. Codes, numbers and dates
// are checked and never hold a separator, quote or line break; Easyflex's
// correctie_op is the import batch the payroll package reported (free
// text: "loket;2026"), so a cell that holds one is quoted as RFC 4180 says
// (quotes doubled). Cells without one are written as they always were, so
// earlier files are made again byte for byte.
func writeRow(w *bufio.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteByte(';')
		}
		if strings.ContainsAny(c, ";\"\r\n") {
			w.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
			continue
		}
		w.WriteString(c)
	}
	w.WriteString("\r\n")
}
