package payroll

import (
	"strconv"
	"strings"

	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
)

// Item is one exported timesheet: its identity, the content hash its
// approval is bound to, the worker's personnel number and name at export,
// and the approved content the files are made of. Minutes are whole
// minutes, amounts whole cents.
type Item struct {
	Placement       string         `json:"placement"`
	Week            ts.ISOWeek     `json:"week"`
	WorkerID        string         `json:"worker_id"`
	PersonnelNumber string         `json:"personnel_number"`
	Name            string         `json:"name"`
	Hash            string         `json:"hash"`
	Round           int            `json:"round"`
	Lines           []ItemLine     `json:"lines"`
	Expenses        []ItemExpense  `json:"expenses,omitempty"`
	Allowances      ItemAllowances `json:"allowances"`
	// Correction is set when the quantities are a difference against
	// content imported before (see Delta).
	Correction *Correction `json:"correction,omitempty"`
}

// ItemLine is an approved hour line: minutes per day, Monday first.
type ItemLine struct {
	HourType string `json:"hour_type"`
	Minutes  [7]int `json:"minutes"`
}

// ItemExpense is an approved claimed expense.
type ItemExpense struct {
	Type        string  `json:"type"` // travel_km, parking, other
	Date        ts.Date `json:"date"`
	AmountCents int64   `json:"amount_cents,omitempty"`
	Kilometres  int     `json:"kilometres,omitempty"`
}

// ItemAllowances are the automatic allowances of the week, in cents.
type ItemAllowances struct {
	PerDayCents  int64 `json:"per_day_cents,omitempty"`
	PerHourCents int64 `json:"per_hour_cents,omitempty"`
}

// Key names the item's timesheet.
func (it Item) Key() string { return it.Placement + "/" + it.Week.String() }

// Quantity is one quantity of an item for one source on one date.
type Quantity struct {
	Kind  SourceKind
	Code  string
	Date  ts.Date
	Value int64 // minutes, kilometres or cents (see Mapping.Unit)
}

// Quantities lists the item's non-zero quantities: hours per line and day,
// expenses on their date, allowances on the week's Monday.
func (it Item) Quantities() []Quantity {
	var out []Quantity
	for _, l := range it.Lines {
		for d, m := range l.Minutes {
			if m != 0 {
				out = append(out, Quantity{Kind: SourceHours, Code: l.HourType, Date: it.Week.Day(d), Value: int64(m)})
			}
		}
	}
	for _, x := range it.Expenses {
		v := x.AmountCents
		if x.Type == "travel_km" {
			v = int64(x.Kilometres)
		}
		if v != 0 {
			out = append(out, Quantity{Kind: SourceExpense, Code: x.Type, Date: x.Date, Value: v})
		}
	}
	if it.Allowances.PerDayCents != 0 {
		out = append(out, Quantity{Kind: SourceAllowance, Code: "per_day", Date: it.Week.Start(), Value: it.Allowances.PerDayCents})
	}
	if it.Allowances.PerHourCents != 0 {
		out = append(out, Quantity{Kind: SourceAllowance, Code: "per_hour", Date: it.Week.Start(), Value: it.Allowances.PerHourCents})
	}
	return out
}

// BatchID is "<client>_<period>_<n>": the client's n-th batch. Client IDs
// may hold '_', periods and n never do, so the ID parses from the right.
func BatchID(clientID string, p Period, n int) string {
	return clientID + "_" + p.String() + "_" + strconv.Itoa(n)
}

// ParseBatchID returns the client of a batch ID.
func ParseBatchID(id string) (clientID string, ok bool) {
	i := strings.LastIndexByte(id, '_')
	if i <= 0 || len(id) > 200 {
		return "", false
	}
	if _, err := strconv.Atoi(id[i+1:]); err != nil {
		return "", false
	}
	j := strings.LastIndexByte(id[:i], '_')
	if j <= 0 {
		return "", false
	}
	if _, err := ParsePeriod(id[j+1 : i]); err != nil {
		return "", false
	}
	if validate.ID("batch", id[:j]) != nil {
		return "", false
	}
	return id[:j], true
}
