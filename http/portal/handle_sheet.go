package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"backoffice/domain"
	"backoffice/domain/timesheet"
)

// dayFields name the days in form fields (line.<code>.<day>) and in the
// domain's error fields.
var dayFields = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func dayIndex(f string) (int, bool) {
	i := slices.Index(dayFields[:], f)
	return i, i >= 0
}

// refFrom reads the placement and week of a sheet URL. A week the route's
// pattern lets through that does not exist (2025-W53, 2026-W54) is the
// domain's 400 saying why ("2025 heeft 52 weken"), not "niet gevonden".
func refFrom(r *http.Request) (Ref, error) {
	vars := mux.Vars(r)
	if vars["placement"] == "" {
		return Ref{}, domain.ErrNotFound
	}
	wk, err := timesheet.ParseISOWeek(vars["week"])
	if err != nil {
		return Ref{}, err
	}
	return Ref{PlacementID: vars["placement"], Week: wk}, nil
}

type dayCol struct {
	Short, Long, Date string
	Enabled           bool
}

type cellView struct {
	Name, Value, Label, Err string
	Line, LineLabel         string // the line's hour type code and its label
	Day                     int
	Input                   bool
}

// dayRow is one day of the hour grid: the editor shows the week as days
// (a row each, a card each on a phone) with the day's total.
type dayRow struct {
	Day               int
	Long, Short, Date string
	Enabled           bool
	Cells             []cellView // one per line, in the order of Lines
	Total             string
}

type lineView struct {
	Code, Name string
	Label      string // the name, with the percentage unless the name says it
	Percentage int
	FromTR     bool
	New        bool // shown empty; saved only when hours are entered
	Cells      []cellView
	Total      string
}

type option struct {
	Value, Label string
	Selected     bool
}

type entryRow struct {
	ID                            int
	Day, Start, End, Break, Hours string
	Continuous                    bool
	// RunsOn says until when a continuous shift ran on past its end time
	// (to the next entry, or the next week's first shift); OwnEnd that the
	// week's last continuous shift ended at its end time because no shift
	// followed when it was saved.
	RunsOn, OwnEnd string
}

type entryForm struct {
	ID                int
	Action            string
	Days              []option
	Start, End, Break string
	Continuous        bool
	Shift24h          bool
}

type expenseRow struct {
	ID                              int
	Type, Date, Amount, Description string
}

type sheetPage struct {
	Sheet                         Sheet
	Range                         string
	BaseURL, WeeksURL, HistoryURL string
	PrevURL, NextURL              string
	NotStarted                    string // a future week: the Monday from which it can be filled in
	Days                          []dayCol
	Lines                         []lineView
	DayRows                       []dayRow
	HasInputs                     bool
	DayTotals                     []string
	WeekTotal                     string
	AddTypes                      []option
	Entries                       []entryRow
	EntryForm                     *entryForm
	Expenses                      []expenseRow
	ExpenseTypes, ExpenseDays     []option
	ExpenseOpen                   bool
	ApprovalLate, EntryLate       bool
	// Steps is the approval chain while offered or after approval;
	// MyStepDone: the reader's own step is approved (issue 16 §4).
	Steps      []stepView
	MyStepDone bool
}

// stepView is one approval step: "1. opdrachtgever: geaccordeerd door …".
type stepView struct {
	N                int
	Party, By, At    string
	Approved, IsNext bool
}

func (s *Server) handleSheet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref, err := refFrom(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := s.newView(r, "timesheets", "sheet.title")
		edit, _ := atoi(r.URL.Query().Get("wijzig"))
		s.renderSheet(w, r, http.StatusOK, ref, v, edit)
	})
}

// renderSheet loads the timesheet and renders the editor (or read-only
// view) with v's form values and errors.
func (s *Server) renderSheet(w http.ResponseWriter, r *http.Request, status int, ref Ref, v *view, editEntry int) {
	sh, err := s.Timesheets.Sheet(r.Context(), actor(r), ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title = v.T("sheet.title") + " " + v.WeekLabel(ref.Week) + " – " + sh.Placement.WorkerName
	v.Data = s.sheetPage(v, sh, editEntry)
	s.render(w, r, status, "sheet", v)
}

func (s *Server) sheetPage(v *view, sh Sheet, editEntry int) sheetPage {
	ref := sh.Ref
	base := sheetURL(ref)
	p := sheetPage{
		Sheet: sh, BaseURL: base, HistoryURL: base + "/geschiedenis",
		WeeksURL: weeksURL(ref.PlacementID, ref.Week.Year),
		PrevURL:  sheetURL(Ref{PlacementID: ref.PlacementID, Week: ref.Week.Prev()}),
		NextURL:  sheetURL(Ref{PlacementID: ref.PlacementID, Week: ref.Week.Next()}),
		Range:    v.Date(ref.Week.Start()) + " – " + v.Date(ref.Week.End()),
	}
	// A future week opened with "Volgende week" is read-only: say why and
	// from when, instead of an empty sheet without forms.
	if !sh.Fillable && sh.Status == timesheet.StatusNone && sh.Placement.Period.Overlaps(ref.Week) {
		p.NotStarted = v.T("day.long.0") + " " + v.Date(ref.Week.Start())
	}
	// No link to a week outside the placement: it is 404, a dead end for
	// the worker tapping through his weeks after the placement ended.
	if per := sh.Placement.Period; !per.Start.IsZero() {
		if !per.Overlaps(ref.Week.Prev()) {
			p.PrevURL = ""
		}
		if !per.Overlaps(ref.Week.Next()) {
			p.NextURL = ""
		}
	}
	// Late is about the deadline of the current step: entering and offering
	// while open or rejected, approving while offered.
	if sh.Status == timesheet.StatusOffered {
		p.ApprovalLate = v.Late(sh.ApprovalDeadline, sh.Status)
	} else {
		p.EntryLate = v.Late(sh.EntryDeadline, sh.Status)
	}
	if sh.Status == timesheet.StatusOffered || sh.Status == timesheet.StatusApproved || sh.Status == timesheet.StatusImported {
		for _, st := range sh.Approval {
			sv := stepView{N: st.Index + 1, Party: v.Role(st.Party), Approved: st.Approved,
				IsNext: sh.Status == timesheet.StatusOffered && !st.Approved && st.Party == sh.NextParty && st.Index == sh.Step}
			if st.Approved {
				sv.By = st.ByName
				if sv.By == "" {
					sv.By = v.Role(st.ByRole)
				}
				if !st.At.IsZero() {
					sv.At = v.DateTime(st.At)
				}
				if v.User != nil && st.Party == v.User.Actor.Role && sh.Status == timesheet.StatusOffered {
					p.MyStepDone = true
				}
			}
			p.Steps = append(p.Steps, sv)
		}
	}
	var enabled [7]bool
	for i := range 7 {
		d := ref.Week.Day(i)
		enabled[i] = sh.Placement.Period.Start.IsZero() || sh.Placement.Period.Contains(d)
		p.Days = append(p.Days, dayCol{
			Short: v.T(fmt.Sprintf("day.short.%d", i)), Long: v.T(fmt.Sprintf("day.long.%d", i)),
			Date: v.DayMonth(d), Enabled: enabled[i],
		})
	}

	lines := slices.Clone(sh.Lines)
	present := map[string]bool{}
	hand := 0
	for _, l := range lines {
		present[l.HourType.Code] = true
		if !l.FromTimeRegistration {
			hand++
		}
	}
	newCode := ""
	if sh.CanEdit && !sh.TimeRegistration && hand == 0 {
		for _, h := range sh.HourTypes {
			if h.Code == sh.NormalHourType || newCode == "" && sh.NormalHourType == "" {
				lines = append(lines, timesheet.Line{HourType: h})
				newCode = h.Code
				break
			}
		}
	}
	// A re-rendered form keeps what was typed: totals count every value
	// that can be read (a bad one counts as its stored value), so one typo
	// does not turn the totals into 0.
	var totals [7]timesheet.Minutes
	for _, l := range lines {
		lv := lineView{Code: l.HourType.Code, Name: l.HourType.Name, Label: hourTypeLabel(l.HourType), Percentage: l.HourType.Percentage,
			FromTR: l.FromTimeRegistration, New: l.HourType.Code == newCode}
		var lineTotal timesheet.Minutes
		for i, m := range l.Minutes {
			name := "line." + l.HourType.Code + "." + dayFields[i]
			c := cellView{Name: name, Day: i, Line: l.HourType.Code, LineLabel: lv.Label, Value: formatHours(v.Lang, m), Err: v.Errors[name],
				Label: l.HourType.Name + " " + v.T(fmt.Sprintf("day.long.%d", i)) + " " + p.Days[i].Date,
				Input: sh.CanEdit && !l.FromTimeRegistration && enabled[i]}
			if m == 0 && c.Input {
				c.Value = ""
			}
			if fv, ok := v.Form[name]; ok && c.Input {
				c.Value = fv[0]
				if typed, err := timesheet.ParseHours(fv[0]); err == nil {
					m = typed
				}
			}
			p.HasInputs = p.HasInputs || c.Input
			lv.Cells = append(lv.Cells, c)
			totals[i] += m
			lineTotal += m
		}
		lv.Total = formatHours(v.Lang, lineTotal)
		p.Lines = append(p.Lines, lv)
		present[l.HourType.Code] = true
	}
	var week timesheet.Minutes
	for i, t := range totals {
		p.DayTotals = append(p.DayTotals, formatHours(v.Lang, t))
		row := dayRow{Day: i, Long: p.Days[i].Long, Short: p.Days[i].Short, Date: p.Days[i].Date, Enabled: enabled[i], Total: formatHours(v.Lang, t)}
		for _, l := range p.Lines {
			row.Cells = append(row.Cells, l.Cells[i])
		}
		p.DayRows = append(p.DayRows, row)
		week += t
	}
	p.WeekTotal = formatHours(v.Lang, week)
	for _, h := range sh.HourTypes {
		if !present[h.Code] && !(sh.TimeRegistration && h.Code == sh.NormalHourType) {
			p.AddTypes = append(p.AddTypes, option{Value: h.Code, Label: hourTypeLabel(h)})
		}
	}

	for i, e := range sh.Entries {
		di, _ := ref.Week.DayIndex(e.Entry.Date)
		row := entryRow{
			ID: e.Entry.ID, Day: v.T(fmt.Sprintf("day.long.%d", di)) + " " + v.Date(e.Entry.Date),
			Start: e.Entry.Start.String(), End: e.Entry.End.String(), Break: e.Entry.Break.String(),
			Hours: formatHours(v.Lang, e.Worked.Minutes), Continuous: e.Entry.Continuous,
		}
		if until, ok := timesheet.RunsOn(e.Entry, e.Worked); ok {
			row.RunsOn = v.T("tr.runs_on", v.DateTime(until))
		} else if e.Entry.Continuous && i == len(sh.Entries)-1 && sh.CanEdit {
			row.OwnEnd = v.T("tr.own_end", ref.Week.Next().Week)
		}
		p.Entries = append(p.Entries, row)
	}
	if sh.TimeRegistration && sh.CanEdit {
		f := &entryForm{Action: base + "/tijden", Start: v.Val("begin"), End: v.Val("eind"), Break: v.Val("pauze"),
			Continuous: v.Val("doorlopend") != "", Shift24h: v.Val("etmaaldienst") != ""}
		day := v.Val("dag")
		for _, e := range sh.Entries {
			if e.Entry.ID == editEntry && editEntry > 0 {
				f.ID, f.Action = editEntry, base+"/tijden/"+strconv.Itoa(editEntry)
				if len(v.Form) == 0 {
					f.Start, f.End, f.Break, f.Continuous = e.Entry.Start.String(), e.Entry.End.String(), e.Entry.Break.String(), e.Entry.Continuous
					f.Shift24h = e.Entry.Shift24h
					day = e.Entry.Date.String()
				}
			}
		}
		for i := range 7 {
			if !enabled[i] {
				continue
			}
			d := ref.Week.Day(i)
			f.Days = append(f.Days, option{Value: d.String(), Label: v.T(fmt.Sprintf("day.long.%d", i)) + " " + v.Date(d), Selected: d.String() == day})
		}
		p.EntryForm = f
	}

	for _, e := range sh.Expenses {
		amount := fmt.Sprintf("%d km", e.Kilometres)
		if e.Type != timesheet.ExpenseTravelKm {
			amount = formatEuro(v.Lang, e.AmountCents)
		}
		p.Expenses = append(p.Expenses, expenseRow{ID: e.ID, Type: v.T("exp.type." + string(e.Type)), Date: v.Date(e.Date),
			Amount: amount, Description: e.Description})
	}
	for _, t := range []timesheet.ExpenseType{timesheet.ExpenseTravelKm, timesheet.ExpenseParking, timesheet.ExpenseOther} {
		p.ExpenseTypes = append(p.ExpenseTypes, option{Value: string(t), Label: v.T("exp.type." + string(t)), Selected: v.Val("soort") == string(t)})
	}
	for i := range 7 {
		if enabled[i] {
			d := ref.Week.Day(i)
			p.ExpenseDays = append(p.ExpenseDays, option{Value: d.String(), Label: v.T(fmt.Sprintf("day.long.%d", i)) + " " + v.Date(d), Selected: v.Val("datum") == d.String()})
		}
	}
	p.ExpenseOpen = v.Val("soort") != ""
	return p
}

// hourTypeLabel is an hour type's name with its percentage, unless the
// name already says it ("Overuren 125%", not "Overuren 125% (125%)").
func hourTypeLabel(h timesheet.HourType) string {
	pct := strconv.Itoa(h.Percentage)
	if h.Percentage == 0 || strings.Contains(h.Name, pct+"%") || strings.Contains(h.Name, pct+" %") {
		return h.Name
	}
	return h.Name + " (" + pct + "%)"
}

// formatEuro formats cents as "€ 1.234,50" (nl) or "€1,234.50" (en); a
// credit amount as "€ -1.234,50" / "-€1,234.50".
func formatEuro(lang string, cents int64) string { return domain.Cents(cents).FormatIn(lang) }

// parseExpenseAmount reads the expense form's amount with domain.ParseEuro:
// empty is no amount (a kilometre allowance), a negative amount is refused
// here (an expense is never negative).
func parseExpenseAmount(s string) (int64, bool) {
	if strings.TrimSpace(s) == "" {
		return 0, true
	}
	c, err := domain.ParseEuro(s)
	if err != nil {
		return 0, false
	}
	return int64(c), true // a negative amount is the domain's to refuse, with its own message
}

// sheetFormView is the view for re-rendering the editor after a failed
// form: the submitted values stay in the fields.
func (s *Server) sheetFormView(r *http.Request) *view {
	v := s.newView(r, "timesheets", "sheet.title")
	v.Form = url.Values{}
	for k, vals := range r.PostForm {
		if k != "csrf" && k != "sleutel" {
			v.Form[k] = vals
		}
	}
	return v
}
