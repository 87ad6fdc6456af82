package timesheets

import (
	"fmt"
	"slices"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// sheet is one timesheet folded from its events: the state the projector
// stores as the columns of its ts_timesheets row (store.go) and the as-of
// detail and the history fold in memory. The JSON tags are the shape of
// the former detail document (ts_timesheets.doc up to migration 0312,
// which moved it into the columns; its test writes legacy rows with them).
type sheet struct {
	PlacementID      string     `json:"placement_id"`
	Week             string     `json:"week"`
	WeekStart        string     `json:"week_start"`
	WeekEnd          string     `json:"week_end"`
	WorkerID         string     `json:"worker_id"`
	ClientID         string     `json:"client_id"`
	IntermediaryID   string     `json:"intermediary_id"`
	EnteredBy        string     `json:"entered_by"`
	TimeRegistration bool       `json:"time_registration,omitempty"`
	Status           string     `json:"status"`
	Round            int        `json:"round,omitempty"`
	Hash             string     `json:"hash,omitempty"`
	Steps            []Step     `json:"steps,omitempty"`
	NextStep         int        `json:"next_step"`
	Lines            []Line     `json:"lines"`
	DayTotals        [7]int     `json:"day_totals"`
	TotalMinutes     int        `json:"total_minutes"`
	Entries          []Entry    `json:"entries,omitempty"`
	Expenses         []Expense  `json:"expenses,omitempty"`
	Remarks          []Remark   `json:"remarks,omitempty"`
	Rejection        *Rejection `json:"rejection,omitempty"`
	EntryDeadline    time.Time  `json:"entry_deadline"`
	ApprovalDeadline time.Time  `json:"approval_deadline"`
	OfferedAt        *time.Time `json:"offered_at,omitempty"`
	ApprovedAt       *time.Time `json:"approved_at,omitempty"`
	ImportedAt       *time.Time `json:"imported_at,omitempty"`
	OfferedLate      bool       `json:"offered_late,omitempty"`
	ApprovedLate     bool       `json:"approved_late,omitempty"`
	ImportBatch      string     `json:"import_batch,omitempty"`
	UpdatedAt        time.Time  `json:"updated_at"`

	// Not stored in the document: bookkeeping of the fold.
	stream      string
	isoYear     int
	isoWeek     int
	revision    int64  // -1: no event applied yet
	oldRevision int64  // the revision when loaded
	oldState    string // the status when loaded ("" for a new row)
	opened      bool
	touched     part // the column groups changed since loaded
}

// touch marks column groups as changed.
func (s *sheet) touch(p part) { s.touched |= p }

// nextParty is the role whose step is next while offered.
func (s *sheet) nextParty() string {
	if s.Status != string(ts.StatusOffered) || s.NextStep >= len(s.Steps) {
		return ""
	}
	return s.Steps[s.NextStep].Party
}

// nextStep is the index of the step that is next while offered.
func (s *sheet) nextStep() (int, bool) {
	if s.nextParty() == "" {
		return 0, false
	}
	return s.NextStep, true
}

// offeredHash is the content hash of the current offer while offered: what
// an approval must send back.
func (s *sheet) offeredHash() string {
	if s.Status != string(ts.StatusOffered) {
		return ""
	}
	return s.Hash
}

// occurred is the business time of a recorded event.
func occurred(e eventstore.RecordedEvent) time.Time {
	if !e.Metadata.OccurredAt.IsZero() {
		return e.Metadata.OccurredAt.UTC()
	}
	return e.Created.UTC()
}

func minutes7(m [7]ts.Minutes) [7]int {
	var out [7]int
	for i, v := range m {
		out[i] = int(v)
	}
	return out
}

func lineOf(l ts.Line) Line {
	return Line{HourType: l.HourType.Code, Name: l.HourType.Name, Percentage: l.HourType.Percentage,
		Absence: l.HourType.Absence, Minutes: minutes7(l.Minutes), Total: int(l.Total()),
		FromTimeRegistration: l.FromTimeRegistration}
}

func (s *sheet) setDayTotals(d [7]ts.Minutes) {
	s.DayTotals = minutes7(d)
	s.touch(partTotals)
	s.TotalMinutes = 0
	for _, m := range d {
		s.TotalMinutes += int(m)
	}
}

func (s *sheet) setTimeEntries(te ts.TimeEntries, entries []ts.Entry) {
	worked := map[int]ts.Worked{}
	for _, w := range te.Worked {
		worked[w.EntryID] = w
	}
	s.Entries = s.Entries[:0]
	s.touch(partEntries | partLines)
	for _, w := range te.Worked {
		for _, e := range entries {
			if e.ID == w.EntryID {
				s.Entries = append(s.Entries, Entry{ID: e.ID, Date: e.Date.String(), Start: e.Start.String(),
					End: e.End.String(), BreakMinutes: int(e.Break), Continuous: e.Continuous,
					WorkedFrom: w.Start, WorkedUntil: w.End, WorkedMinutes: int(w.Minutes)})
			}
		}
	}
	s.Lines = slices.DeleteFunc(s.Lines, func(l Line) bool { return l.FromTimeRegistration })
	if len(te.Worked) > 0 {
		s.Lines = slices.Insert(s.Lines, 0, lineOf(te.NormalLine))
	}
	s.setDayTotals(te.DayTotals)
}

// entryList returns the entries as domain entries (for recomputing the
// list after a change).
func (s *sheet) entryList() []ts.Entry {
	out := make([]ts.Entry, 0, len(s.Entries))
	for _, e := range s.Entries {
		d, _ := ts.ParseDate(e.Date)
		st, _ := ts.ParseClock(e.Start)
		en, _ := ts.ParseClock(e.End)
		out = append(out, ts.Entry{ID: e.ID, Date: d, Start: st, End: en, Break: ts.Minutes(e.BreakMinutes), Continuous: e.Continuous})
	}
	return out
}

// apply folds one decoded event into the sheet.
func (s *sheet) apply(ev domain.Event, rec eventstore.RecordedEvent) error {
	at := micros(occurred(rec)) // PostgreSQL's precision: the stored and the replayed fold agree
	actor := Actor{Role: rec.Metadata.ActorRole, AccountID: rec.Metadata.ActorID}
	if _, ok := ev.(*ts.Opened); !ok && !s.opened {
		return fmt.Errorf("timesheets: %s revision %d: %s before timesheet.opened", rec.Stream, rec.Revision, rec.Type)
	}
	switch e := ev.(type) {
	case *ts.Opened:
		s.opened = true
		s.PlacementID, s.Week = e.PlacementID, e.Week.String()
		s.WeekStart, s.WeekEnd = e.WeekStart.String(), e.WeekEnd.String()
		s.isoYear, s.isoWeek = e.Week.Year, e.Week.Week
		s.WorkerID, s.ClientID, s.IntermediaryID = e.WorkerID, e.ClientID, e.IntermediaryID
		s.EnteredBy, s.TimeRegistration = string(e.EnteredBy), e.TimeRegistration
		s.Status = string(ts.StatusOpen)
		s.EntryDeadline, s.ApprovalDeadline = micros(e.EntryDeadline.UTC()), micros(e.ApprovalDeadline.UTC())
		s.Lines = []Line{}
		s.touch(partOpened | partTotals | partLines)
	case *ts.LineSet:
		l := lineOf(e.Line)
		if i := slices.IndexFunc(s.Lines, func(x Line) bool { return !x.FromTimeRegistration && x.HourType == l.HourType }); i >= 0 {
			s.Lines[i] = l
		} else {
			s.Lines = append(s.Lines, l)
		}
		s.setDayTotals(e.DayTotals)
		s.touch(partLines)
	case *ts.LineWiped:
		s.Lines = slices.DeleteFunc(s.Lines, func(x Line) bool { return !x.FromTimeRegistration && x.HourType == e.HourType })
		s.setDayTotals(e.DayTotals)
		s.touch(partLines)
	case *ts.TimeEntryAdded:
		s.setTimeEntries(e.TimeEntries, append(s.entryList(), e.Entry))
	case *ts.TimeEntryChanged:
		list := s.entryList()
		for i := range list {
			if list[i].ID == e.Entry.ID {
				list[i] = e.Entry
			}
		}
		s.setTimeEntries(e.TimeEntries, list)
	case *ts.TimeEntryRemoved:
		list := slices.DeleteFunc(s.entryList(), func(x ts.Entry) bool { return x.ID == e.EntryID })
		s.setTimeEntries(e.TimeEntries, list)
	case *ts.ExpenseAdded:
		x := e.Expense
		s.Expenses = append(s.Expenses, Expense{ID: x.ID, Type: string(x.Type), Date: x.Date.String(),
			AmountCents: x.AmountCents, Kilometres: x.Kilometres, Description: x.Description})
		s.touch(partExpenses)
	case *ts.ExpenseRemoved:
		s.Expenses = slices.DeleteFunc(s.Expenses, func(x Expense) bool { return x.ID == e.ExpenseID })
		s.touch(partExpenses)
	case *ts.RemarkAdded:
		s.Remarks = append(s.Remarks, Remark{Text: e.Remark.Text, By: actor, At: at})
		s.touch(partRemarks)
	case *ts.Offered:
		s.Status = string(ts.StatusOffered)
		s.Round, s.Hash = e.Round, e.Hash
		s.Steps = make([]Step, len(e.Chain))
		for i, r := range e.Chain {
			s.Steps[i] = Step{Index: i, Party: string(r)}
		}
		s.NextStep = 0
		s.setDayTotals(e.DayTotals)
		s.OfferedAt, s.OfferedLate = &at, e.Late
		s.Rejection = nil
		s.touch(partOffer | partSteps | partRejection)
	case *ts.StepApproved:
		if e.Step >= 0 && e.Step < len(s.Steps) {
			s.Steps[e.Step].Approved = true
			s.Steps[e.Step].By = &actor
			s.Steps[e.Step].At = &at
		}
		s.NextStep = e.Step + 1
		s.touch(partSteps)
	case *ts.Rejected:
		s.Status = string(ts.StatusRejected)
		s.Rejection = &Rejection{Round: e.Round, Step: e.Step, Party: string(e.Party), By: actor, Reason: e.Reason, At: at}
		s.touch(partRejection)
	case *ts.Approved:
		s.Status = string(ts.StatusApproved)
		s.ApprovedAt, s.ApprovedLate = &at, e.Late
		s.setDayTotals(e.DayTotals)
		s.touch(partOffer)
	case *ts.Imported:
		s.Status = string(ts.StatusImported)
		s.ImportedAt, s.ImportBatch = &at, e.ImportBatch
		s.touch(partOffer)
	case *ts.OfferWithdrawn:
		s.Status = string(ts.StatusOpen)
		s.Hash, s.Steps, s.NextStep = "", nil, 0
		s.OfferedAt, s.OfferedLate = nil, false
		s.touch(partOffer | partSteps)
	case *ts.Reopened: // a correction after import: back with the one who enters, as a rejection
		// (ImportBatch and ImportedAt keep the last import until the next)
		s.Status = string(ts.StatusRejected)
		s.Rejection = &Rejection{Round: e.Round, Party: string(e.By), By: actor, Reason: e.Reason, At: at}
		s.touch(partRejection)
	}
	s.UpdatedAt = at
	return nil
}
