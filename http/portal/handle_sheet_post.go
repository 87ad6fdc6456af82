package portal

import (
	tscmd "backoffice/commands/timesheet"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
)

// sheetCommand is the shape of every editor action: parse the form, run
// one command, redirect to the editor (waiting for the write) or re-render
// it with the error next to its field. fields maps domain error fields to
// form fields; editEntry keeps an entry form open on re-render.
func (s *Server) sheetCommand(fields map[string]string, flash string, run func(r *http.Request, ref Ref, v *view) (commands.Result, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref, err := refFrom(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := s.sheetFormView(r)
		res, err := run(r, ref, v)
		if err == nil && len(v.Errors) == 0 {
			redirectAfter(w, r, sheetURL(ref), res.Position, flash)
			return
		}
		status, ok := s.formStatus(w, r, v, err, fields, http.StatusUnprocessableEntity)
		if !ok {
			return
		}
		edit, _ := atoi(mux.Vars(r)["id"])
		s.renderSheet(w, r, status, ref, v, edit)
	})
}

// sheetForm is sheetCommand for a form parsed on its own: run gets the
// parsed input only when parse left no error at a field.
func sheetForm[T any](s *Server, fields map[string]string, flash string, parse func(r *http.Request, v *view) T, run func(r *http.Request, ref Ref, in T) (commands.Result, error)) http.Handler {
	return s.sheetCommand(fields, flash, func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		in := parse(r, v)
		if len(v.Errors) > 0 {
			return commands.Result{}, nil
		}
		return run(r, ref, in)
	})
}

// handleSetLines saves the hour grid: every line whose values changed.
// Values are parsed with timesheet.ParseHours ("7,5", "7.5", "7:30"); a
// value that cannot be read is shown next to its field and nothing is saved.
func (s *Server) handleSetLines() http.Handler {
	return s.sheetCommand(nil, "saved", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		sh, err := s.Timesheets.Sheet(r.Context(), actor(r), ref)
		if err != nil {
			return commands.Result{}, err
		}
		current := map[string][7]timesheet.Minutes{}
		var order []string
		for _, l := range sh.Lines {
			if !l.FromTimeRegistration {
				current[l.HourType.Code] = l.Minutes
				order = append(order, l.HourType.Code)
			}
		}
		posted := map[string][7]timesheet.Minutes{}
		var added []string
		for key, vals := range r.PostForm {
			rest, ok := strings.CutPrefix(key, "line.")
			i := strings.LastIndex(rest, ".")
			if !ok || i <= 0 {
				continue
			}
			code := rest[:i]
			day, ok := dayIndex(rest[i+1:])
			if !ok {
				continue
			}
			mins, seen := posted[code]
			if !seen {
				mins = current[code]
				if _, exists := current[code]; !exists {
					added = append(added, code)
				}
			}
			m, err := timesheet.ParseHours(vals[0])
			if err != nil {
				v.formErrorAt(err, key)
				continue
			}
			mins[day] = m
			posted[code] = mins
		}
		if len(v.Errors) > 0 {
			return commands.Result{}, nil
		}
		sort.Strings(added)
		var batch []timesheet.LineInput
		for _, code := range append(order, added...) {
			mins, ok := posted[code]
			if !ok || mins == current[code] {
				continue
			}
			if _, exists := current[code]; !exists && mins == [7]timesheet.Minutes{} {
				continue // the empty starter line
			}
			batch = append(batch, timesheet.LineInput{HourType: code, Minutes: mins})
		}
		if len(batch) == 0 {
			return commands.Result{}, nil
		}
		res, err := s.Timesheets.commands.SetLines(r.Context(), meta(r), tscmd.SetLines{Target: target(ref), Lines: batch})
		if err != nil && v.lineErrorAt(err, batch, current) {
			return commands.Result{}, nil
		}
		return res, err
	})
}

// lineErrorAt puts a refusal of SetLines at the grid cell it is about: the
// line and day the domain names ("lines.<code>.<day>"), the line's first
// day ("lines.<code>"), or for a day over 24 hours the first line whose
// hours on that day were changed. It reports whether it placed the error.
func (v *view) lineErrorAt(err error, batch []timesheet.LineInput, current map[string][7]timesheet.Minutes) bool {
	var de *domain.Error
	if !errors.As(err, &de) {
		return false
	}
	if rest, ok := strings.CutPrefix(de.Field, "lines."); ok {
		code, day, _ := strings.Cut(rest, ".")
		if !slices.ContainsFunc(batch, func(l timesheet.LineInput) bool { return l.HourType == code }) {
			return false // not a line of the grid: shown above it
		}
		if _, ok := dayIndex(day); !ok {
			day = dayFields[0]
		}
		v.formErrorAt(err, "line."+code+"."+day)
		return true
	}
	i, ok := dayIndex(de.Field)
	if !ok {
		return false
	}
	for _, l := range batch {
		if l.Minutes[i] != current[l.HourType][i] {
			v.formErrorAt(err, "line."+l.HourType+"."+de.Field)
			return true
		}
	}
	v.formErrorAt(err, "line."+batch[0].HourType+"."+de.Field)
	return true
}

// formErrorAt puts err's message at a given form field.
func (v *view) formErrorAt(err error, field string) {
	var de *domain.Error
	if errors.As(err, &de) {
		msg := de.Message
		if v.Lang == "nl" && de.MessageNL != "" {
			msg = de.MessageNL
		}
		v.Errors[field] = msg
		return
	}
	v.Errors[field] = httpx.Detail(err, v.Lang).Message
}

func (s *Server) handleAddLine() http.Handler {
	return s.sheetCommand(nil, "line_added", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		return s.Timesheets.AddLine(r.Context(), meta(r), ref, r.PostForm.Get("uursoort"))
	})
}

func (s *Server) handleWipeLine() http.Handler {
	return s.sheetCommand(nil, "line_wiped", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		return s.Timesheets.WipeLine(r.Context(), meta(r), ref, r.PostForm.Get("uursoort"))
	})
}

var entryFields = map[string]string{"date": "date", "start": "start", "end": "end", "break": "break", "time": "start", "shift_24h": "end"}

// parseEntryForm reads the time registration form; errors go next to
// their fields in v.
func parseEntryForm(r *http.Request, v *view) timesheet.EntryInput {
	var in timesheet.EntryInput
	var err error
	if in.Date, err = timesheet.ParseDate(r.PostForm.Get("dag")); err != nil {
		v.formErrorAt(err, "date")
	}
	if in.Start, err = timesheet.ParseClock(r.PostForm.Get("begin")); err != nil {
		v.formErrorAt(err, "start")
	}
	if in.End, in.EndOfDay, err = timesheet.ParseEndClock(r.PostForm.Get("eind")); err != nil {
		v.formErrorAt(err, "end")
	}
	if in.Break, err = timesheet.ParseBreak(r.PostForm.Get("pauze")); err != nil {
		v.formErrorAt(err, "break")
	}
	in.Continuous = r.PostForm.Get("doorlopend") != ""
	in.Shift24h = r.PostForm.Get("etmaaldienst") != ""
	return in
}

func (s *Server) handleAddEntry() http.Handler {
	return sheetForm(s, entryFields, "entry_saved", parseEntryForm, func(r *http.Request, ref Ref, in timesheet.EntryInput) (commands.Result, error) {
		return s.Timesheets.AddEntry(r.Context(), meta(r), ref, in)
	})
}

func (s *Server) handleChangeEntry() http.Handler {
	return sheetForm(s, entryFields, "entry_saved", parseEntryForm, func(r *http.Request, ref Ref, in timesheet.EntryInput) (commands.Result, error) {
		id, _ := atoi(mux.Vars(r)["id"])
		return s.Timesheets.ChangeEntry(r.Context(), meta(r), ref, id, in)
	})
}

func (s *Server) handleRemoveEntry() http.Handler {
	return s.sheetCommand(nil, "entry_removed", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		id, _ := atoi(mux.Vars(r)["id"])
		return s.Timesheets.RemoveEntry(r.Context(), meta(r), ref, id)
	})
}

var expenseFields = map[string]string{"type": "type", "date": "date", "amount": "amount", "kilometres": "kilometres", "description": "description"}

func parseExpenseForm(r *http.Request, v *view) timesheet.ExpenseInput {
	in := timesheet.ExpenseInput{Type: timesheet.ExpenseType(r.PostForm.Get("soort")), Description: r.PostForm.Get("omschrijving")}
	var err error
	if in.Date, err = timesheet.ParseDate(r.PostForm.Get("datum")); err != nil {
		v.formErrorAt(err, "date")
	}
	if km := strings.TrimSpace(r.PostForm.Get("km")); km != "" {
		n, ok := atoi(km)
		if !ok {
			v.Errors["kilometres"] = v.T("exp.km_invalid")
		}
		in.Kilometres = n
	}
	cents, ok := parseExpenseAmount(r.PostForm.Get("bedrag"))
	if !ok {
		v.Errors["amount"] = v.T("exp.amount_invalid")
	}
	in.AmountCents = cents
	return in
}

func (s *Server) handleAddExpense() http.Handler {
	return sheetForm(s, expenseFields, "expense_added", parseExpenseForm, func(r *http.Request, ref Ref, in timesheet.ExpenseInput) (commands.Result, error) {
		return s.Timesheets.AddExpense(r.Context(), meta(r), ref, in)
	})
}

func (s *Server) handleRemoveExpense() http.Handler {
	return s.sheetCommand(nil, "expense_removed", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		id, _ := atoi(mux.Vars(r)["id"])
		return s.Timesheets.RemoveExpense(r.Context(), meta(r), ref, id)
	})
}

func (s *Server) handleAddRemark() http.Handler {
	return s.sheetCommand(map[string]string{"remark": "remark", "text": "remark"}, "remark_added", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		return s.Timesheets.AddRemark(r.Context(), meta(r), ref, r.PostForm.Get("opmerking"))
	})
}

func (s *Server) handleOffer() http.Handler {
	return s.sheetCommand(nil, "offered", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		return s.Timesheets.Offer(r.Context(), meta(r), ref)
	})
}

// handleWithdrawOffer takes the offer back (aanbieden intrekken) before
// anyone approved it: the command handler decides, as for the JSON API.
func (s *Server) handleWithdrawOffer() http.Handler {
	return s.sheetCommand(nil, "offer_withdrawn", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		return s.Timesheets.commands.WithdrawOffer(r.Context(), meta(r), tscmd.WithdrawOffer{Target: target(ref)})
	})
}

func (s *Server) handleApprove() http.Handler {
	return s.sheetCommand(nil, "approved", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		step, ok := atoi(r.PostForm.Get("stap"))
		if !ok {
			return commands.Result{}, domain.Invalid("step_invalid", "", "invalid approval step", "Ongeldige accordeerstap.")
		}
		return s.Timesheets.Approve(r.Context(), meta(r), ref, step, r.PostForm.Get("controle"))
	})
}

// handleReject needs a reason: it is what the one who entered the hours reads.
func (s *Server) handleReject() http.Handler {
	return s.sheetCommand(map[string]string{"reason": "reason"}, "rejected", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		reason := strings.TrimSpace(r.PostForm.Get("reden"))
		if reason == "" {
			v.Errors["reason"] = v.T("approve.reason_required")
			return commands.Result{}, nil
		}
		return s.Timesheets.Reject(r.Context(), meta(r), ref, reason)
	})
}

// handleReopen: the back office reopens an imported timesheet for a
// correction, with a reason (POST /api/v1/payroll/timesheets/{p}/{week}/reopen
// as a form). The domain refuses anyone else and any other status.
func (s *Server) handleReopen() http.Handler {
	return s.sheetCommand(map[string]string{"reason": "reopen_reason"}, "reopened", func(r *http.Request, ref Ref, v *view) (commands.Result, error) {
		reason := strings.TrimSpace(r.PostForm.Get("heropen_reden"))
		if reason == "" {
			v.Errors["reopen_reason"] = v.T("reopen.reason_required")
			return commands.Result{}, nil
		}
		return s.Timesheets.Reopen(r.Context(), meta(r), ref, reason)
	})
}

type historyPage struct {
	Ref        Ref
	WorkerName string
	SheetURL   string
	Items      []HistoryItem
	// Rounds: a corrected timesheet's rounds side by side (back office).
	Rounds *RoundsView
}

func (s *Server) handleHistory() http.Handler {
	return s.page("timesheets", "history.title", "history", s.loadHistory)
}

// loadHistory puts the timesheet's history into v and, for the back office,
// a corrected timesheet's rounds.
func (s *Server) loadHistory(r *http.Request, v *view) error {
	ref, err := refFrom(r)
	if err != nil {
		return err
	}
	sh, err := s.Timesheets.Sheet(r.Context(), actor(r), ref)
	if err != nil {
		return err
	}
	items, err := s.Timesheets.History(r.Context(), actor(r), ref)
	if err != nil {
		return err
	}
	page := historyPage{Ref: ref, WorkerName: sh.Placement.WorkerName, SheetURL: sheetURL(ref), Items: slices.Clone(items)}
	if s.Payroll != nil && isBackoffice(actor(r)) {
		rounds, err := s.Payroll.Rounds(r.Context(), actor(r), ref)
		if err != nil {
			return err
		}
		page.Rounds = roundsView(ref.Week, rounds)
	}
	v.Data = page
	return nil
}
