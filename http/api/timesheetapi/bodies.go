package timesheetapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
	"backoffice/http/httpx"
)

// dayFields are the domain's field names of the days (Monday first); see
// fields.go for the input names the API answers with.
var dayFields = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// target reads {placement} and {week} ("2026-W05") from the path.
func target(r *http.Request) (cmd.Target, error) {
	v := mux.Vars(r)
	w, err := ts.ParseISOWeek(v["week"])
	if err != nil {
		return cmd.Target{}, err
	}
	return cmd.Target{PlacementID: v["placement"], Week: w}, nil
}

// pathID reads a positive integer path variable.
func pathID(r *http.Request, name string) (int, error) {
	n, err := strconv.Atoi(mux.Vars(r)[name])
	if err != nil || n <= 0 {
		return 0, domain.Invalid("id_invalid", name, "the id must be a positive number", "Het id moet een positief getal zijn.")
	}
	return n, nil
}

// decodeOptional decodes a JSON body like httpx.Decode, but an absent or
// blank body is the zero value.
func decodeOptional[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var zero T
	b, err := io.ReadAll(httpx.LimitBody(r, httpx.MaxJSONBody))
	if err != nil {
		if domain.KindOf(err) == domain.KindTooLarge {
			return zero, err
		}
		return zero, domain.Invalid("malformed_json", "", "the body could not be read", "De inhoud kon niet worden gelezen.")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return zero, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return httpx.Decode[T](w, r)
}

// lineBody is PUT .../lines/{hourType}: minutes per day, or hours as typed
// ("8", "7,5", "7:30"), Monday first. Exactly one of the two.
type lineBody struct {
	Minutes []*int    `json:"minutes"` // pointers: a null day is refused (httpx.NoNulls)
	Hours   []*string `json:"hours"`
}

// form is the array the caller sent: "minutes" or "hours".
func (b lineBody) form() string {
	if b.Minutes == nil && b.Hours != nil {
		return "hours"
	}
	return "minutes"
}

func (b lineBody) minutes() ([7]ts.Minutes, error) {
	var out [7]ts.Minutes
	switch {
	case b.Minutes != nil && b.Hours != nil:
		return out, domain.Invalid("minutes_or_hours", "minutes", "give either minutes or hours, not both", "Geef minuten of uren, niet allebei.")
	case b.Minutes != nil:
		if len(b.Minutes) != 7 {
			return out, domain.Invalid("seven_days", "minutes", "minutes must list 7 days, Monday first", "Geef minuten voor 7 dagen, te beginnen met maandag.")
		}
		mins, err := httpx.NoNulls("minutes", b.Minutes)
		if err != nil {
			return out, err
		}
		for i, m := range mins {
			out[i] = ts.Minutes(m)
		}
	case b.Hours != nil:
		if len(b.Hours) != 7 {
			return out, domain.Invalid("seven_days", "hours", "hours must list 7 days, Monday first", "Geef uren voor 7 dagen, te beginnen met maandag.")
		}
		hours, err := httpx.NoNulls("hours", b.Hours)
		if err != nil {
			return out, err
		}
		for i, h := range hours {
			m, err := ts.ParseHours(h)
			if err != nil {
				return out, dayError(err, i)
			}
			out[i] = m
		}
	default:
		return out, domain.Invalid("minutes_or_hours", "minutes", "give minutes or hours for 7 days", "Geef minuten of uren voor 7 dagen.")
	}
	return out, nil
}

// dayError names the day in an hour parsing error (field hours[i]). A
// well-formed value of more than 24 hours breaks the same rule as lines
// adding up to more than 24 hours on a day: 422 day_over_24h.
func dayError(err error, day int) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	field := fmt.Sprintf("hours[%d]", day)
	if de.Code == "hours_over_24h" {
		return domain.Rule("day_over_24h", field, fmt.Sprintf("more than 24 hours entered on %s", ts.DayName(day, "en")),
			fmt.Sprintf("Op %s is meer dan 24 uur ingevuld.", ts.DayName(day, "nl")))
	}
	c := *de
	c.Field = field
	return &c
}

// addLineBody is POST .../lines: the hour type of the line to add. An
// empty or missing hour_type is 400 hour_type_required (from the command,
// after the scope check).
type addLineBody struct {
	HourType string `json:"hour_type"`
}

// entryBody is a time registration entry.
type entryBody struct {
	Date         string `json:"date"`  // 2026-01-26
	Start        string `json:"start"` // 07:30
	End          string `json:"end"`   // 16:00
	BreakMinutes int    `json:"break_minutes"`
	Continuous   bool   `json:"continuous"`
	// Shift24h confirms that start = end is a shift of 24 hours.
	Shift24h bool `json:"shift_24h"`
}

func renamed(err error, field string) error {
	var de *domain.Error
	if errors.As(err, &de) {
		c := *de
		c.Field = field
		return &c
	}
	return err
}

func (b entryBody) input() (ts.EntryInput, error) {
	d, err := ts.ParseDate(b.Date)
	if err != nil {
		return ts.EntryInput{}, renamed(err, "date")
	}
	start, err := ts.ParseClock(b.Start)
	if err != nil {
		return ts.EntryInput{}, renamed(err, "start")
	}
	end, endOfDay, err := ts.ParseEndClock(b.End)
	if err != nil {
		return ts.EntryInput{}, renamed(err, "end")
	}
	if b.BreakMinutes < 0 || ts.Minutes(b.BreakMinutes) > ts.MinutesPerDay {
		return ts.EntryInput{}, domain.Invalid("break_invalid", "break_minutes", "the break must be between 0 and 1440 minutes",
			"De pauze moet tussen 0 en 1440 minuten liggen.")
	}
	return ts.EntryInput{Date: d, Start: start, End: end, Break: ts.Minutes(b.BreakMinutes), Continuous: b.Continuous, Shift24h: b.Shift24h, EndOfDay: endOfDay}, nil
}

// expenseBody is a claimed expense.
type expenseBody struct {
	Type        string `json:"type"` // travel_km, parking, other
	Date        string `json:"date"`
	AmountCents int64  `json:"amount_cents"`
	Kilometres  int    `json:"kilometres"`
	Description string `json:"description"`
}

func (b expenseBody) input() (ts.ExpenseInput, error) {
	d, err := ts.ParseDate(b.Date)
	if err != nil {
		return ts.ExpenseInput{}, renamed(err, "date")
	}
	return ts.ExpenseInput{Type: ts.ExpenseType(b.Type), Date: d, AmountCents: b.AmountCents,
		Kilometres: b.Kilometres, Description: b.Description}, nil
}

type remarkBody struct {
	Text string `json:"text"`
}

type rejectBody struct {
	Reason string `json:"reason"`
}

// approveBody binds the approval to what the approver saw; both optional.
type approveBody struct {
	Step *int   `json:"step"`
	Hash string `json:"hash"`
}

type importedBody struct {
	ImportBatch string `json:"import_batch"`
}

// bulkItemBody is one item of a bulk approval; step and hash (a list
// row's next_step and hash) are optional and bind the approval to the row.
type bulkItemBody struct {
	Placement string `json:"placement"`
	Week      string `json:"week"`
	Step      *int   `json:"step"`
	Hash      string `json:"hash"`
}

type bulkBody struct {
	Items []bulkItemBody `json:"items"`
}

func (b bulkBody) items() ([]cmd.BulkItem, error) {
	if len(b.Items) > cmd.MaxBulkApprove {
		return nil, domain.Invalid("too_many_items", "items",
			fmt.Sprintf("at most %d timesheets at once", cmd.MaxBulkApprove), fmt.Sprintf("Maximaal %d urenbriefjes tegelijk.", cmd.MaxBulkApprove))
	}
	out := make([]cmd.BulkItem, len(b.Items))
	for i, it := range b.Items {
		// The command checks the ID too, but names its own field
		// (placement_id); the API's is items[i].placement.
		if err := validate.ID(fmt.Sprintf("items[%d].placement", i), it.Placement); err != nil {
			return nil, err
		}
		w, err := ts.ParseISOWeek(it.Week)
		if err != nil {
			return nil, renamed(err, fmt.Sprintf("items[%d].week", i))
		}
		out[i] = cmd.BulkItem{Target: cmd.Target{PlacementID: it.Placement, Week: w}, Step: it.Step, Hash: it.Hash}
	}
	return out, nil
}

// inputBody is a request body that converts itself to a command's input.
type inputBody[T any] interface {
	input() (T, error)
}

// decodeInput reads a JSON body of type B and converts it to the input T.
func decodeInput[T any, B inputBody[T]](w http.ResponseWriter, r *http.Request) (T, error) {
	b, err := httpx.Decode[B](w, r)
	if err != nil {
		var zero T
		return zero, err
	}
	return b.input()
}

// linesBody is PUT .../lines: several lines at once, all or none (the
// portal's grid save). Each line is an hour type with minutes or hours, as
// in PUT .../lines/{hourType}.
type linesBody struct {
	Lines []lineItem `json:"lines"`
}

type lineItem struct {
	HourType string    `json:"hour_type"`
	Minutes  []*int    `json:"minutes"`
	Hours    []*string `json:"hours"`
}
