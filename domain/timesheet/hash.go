package timesheet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
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
// Version 2 (since Entry.UntilNextWeek) also hashes where the week's last
// continuous shift ran on into the next week: that end follows from the
// next week's shifts when it was saved, not from this week's entries, so
// the same entries can book other hours. Content without such a run-on
// is encoded as v1, byte for byte, so its hash stays what it was.
//
// WARNING: stored events carry hashes; changing the encoding breaks
// approvals in flight. Add a new version prefix instead of editing v1.
func (t *Timesheet) ContentHash() string {
	var b strings.Builder
	runOn := t.runOnIntoNextWeek()
	if runOn != nil {
		b.WriteString("timesheet-content-v2\n")
	} else {
		b.WriteString("timesheet-content-v1\n")
	}
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
	if runOn != nil {
		fmt.Fprintf(&b, "N %d %s\n", runOn.EntryID, runOn.End.UTC().Format(time.RFC3339))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// runOnIntoNextWeek is the week's last shift when it is a continuous one
// that ran on past its own end into the next week (Entry.UntilNextWeek),
// nil otherwise.
func (t *Timesheet) runOnIntoNextWeek() *Worked {
	if len(t.worked) == 0 {
		return nil
	}
	w := t.worked[len(t.worked)-1]
	i := t.entryIndex(w.EntryID)
	if i < 0 || !t.entries[i].UntilNextWeek {
		return nil
	}
	if _, ok := RunsOn(t.entries[i], w); !ok {
		return nil
	}
	return &w
}
