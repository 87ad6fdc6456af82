package timesheet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ContentHash is the SHA-256 (hex) of the canonical encoding of the
// timesheet's content: placement, week, hour lines, time entries, expenses
// and remarks. An approval is bound to it.
//
// The encoding is line based, one record per line, strings quoted with
// strconv.Quote, records sorted by a stable key; all-zero hour lines are
// left out (an empty line and no line mean the same hours). Derived values
// (worked minutes, totals) are not hashed: they follow from the entries.
//
// WARNING: stored events carry hashes; changing the encoding breaks
// approvals in flight. Add a new version prefix instead of editing v1.
func (t *Timesheet) ContentHash() string {
	var b strings.Builder
	b.WriteString("timesheet-content-v1\n")
	fmt.Fprintf(&b, "P %s %s\n", strconv.Quote(t.placementID), t.week.Compact())
	codes := make([]string, 0, len(t.lines))
	for c := range t.lines {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		l := t.lines[c]
		if l.Total() == 0 {
			continue
		}
		fmt.Fprintf(&b, "L %s", strconv.Quote(c))
		for _, m := range l.Minutes {
			fmt.Fprintf(&b, " %d", m)
		}
		b.WriteByte('\n')
	}
	entries := append([]Entry(nil), t.entries...)
	sort.Slice(entries, func(i, j int) bool { return entries[i].ID < entries[j].ID })
	for _, e := range entries {
		fmt.Fprintf(&b, "E %d %s %d %d %d %t\n", e.ID, e.Date, e.Start, e.End, e.Break, e.Continuous)
	}
	expenses := append([]Expense(nil), t.expenses...)
	sort.Slice(expenses, func(i, j int) bool { return expenses[i].ID < expenses[j].ID })
	for _, x := range expenses {
		fmt.Fprintf(&b, "X %d %s %s %d %d %s\n", x.ID, strconv.Quote(string(x.Type)), x.Date, x.AmountCents, x.Kilometres, strconv.Quote(x.Description))
	}
	for _, r := range t.remarks {
		fmt.Fprintf(&b, "R %s %s\n", strconv.Quote(string(r.By)), strconv.Quote(r.Text))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}
