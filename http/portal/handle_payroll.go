package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	cmd "backoffice/commands/payroll"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// The screen "Salarisverwerking" (back office): the backlog per client and
// payroll period, making an export batch, its files, confirming or
// cancelling it, the batches with who and when, and the corrections
// waiting. The commands refuse everyone but the back office (and the
// payroll token, which has no portal login) with no_such_endpoint (404):
// for other users the screen does not exist, as in the API.

const payrollPath = "/salarisverwerking"

func batchURL(id string) string { return payrollPath + "/batches/" + url.PathEscape(id) }

// BatchURL and BatchFileURL are a batch's page and the download of one of
// its files.
func (v *view) BatchURL(id string) string { return batchURL(id) }
func (v *view) BatchFileURL(id, format string) string {
	return batchURL(id) + "/bestanden/" + url.PathEscape(format)
}

// HistoryURL is a timesheet's history page.
func (v *view) HistoryURL(ref Ref) string { return sheetURL(ref) + "/geschiedenis" }

// PeriodLabel names a payroll period: "week 5 (2026)", "periode 3
// (2026)", "februari 2026".
func (v *view) PeriodLabel(s string) string {
	p, err := pay.ParsePeriod(s)
	if err != nil {
		return s
	}
	switch p.Kind {
	case pay.PeriodWeek:
		return v.WeekLabel(timesheet.ISOWeek{Year: p.Year, Week: p.Number})
	case pay.Period4Weeks:
		return v.T("payroll.period.4weeks_label", p.Number, p.Year)
	}
	return v.T(fmt.Sprintf("month.%d", p.Number)) + " " + strconv.Itoa(p.Year)
}

// errNoPayroll: the screen does not exist for the user (as the commands
// answer).
var errNoPayroll = domain.NotFound("no_such_endpoint", "This address does not exist.", "Dit adres bestaat niet.")

// payrollPage is the overview's data, the export form's choices and, after
// an export of every client, its outcome.
type payrollPage struct {
	PayrollOverview
	Formats []string
	Kinds   []string
	Result  *PayrollCreated
}

// loadPayroll puts the overview and the export form's choices into v.
func (s *Server) loadPayroll(r *http.Request, v *view) error {
	o, err := s.Payroll.Overview(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p := payrollPage{PayrollOverview: o, Kinds: []string{string(pay.PeriodWeek), string(pay.Period4Weeks), string(pay.PeriodMonth)}}
	for _, f := range payrollfile.Formats {
		p.Formats = append(p.Formats, string(f))
	}
	v.Data = &p
	return nil
}

// defaultPeriod fills the export form with last week, the week whose
// hours are approved by now (Wednesday 10:00).
func (s *Server) defaultPeriod(v *view) {
	w := timesheet.WeekOf(timesheet.DateOf(s.Clock().In(timesheet.Location()))).Prev()
	v.Form.Set("soort", string(pay.PeriodWeek))
	v.Form.Set("jaar", strconv.Itoa(w.Year))
	v.Form.Set("nummer", strconv.Itoa(w.Week))
	v.Form.Set("formaat", string(payrollfile.Loket))
}

// loadPayrollForm is loadPayroll with the export form at last week.
func (s *Server) loadPayrollForm(r *http.Request, v *view) error {
	s.defaultPeriod(v)
	return s.loadPayroll(r, v)
}

func (s *Server) handlePayroll() http.Handler {
	return s.page("payroll", "payroll.title", "payroll", s.loadPayrollForm)
}

var payrollFields = map[string]string{"client_id": "opdrachtgever", "period": "nummer"}

// readPeriod reads the export form's period: its kind, year and number.
func readPeriod(r *http.Request, v *view) (pay.Period, bool) {
	kind, year, num := r.PostForm.Get("soort"), strings.TrimSpace(r.PostForm.Get("jaar")), strings.TrimSpace(r.PostForm.Get("nummer"))
	y, errY := strconv.Atoi(year)
	n, errN := strconv.Atoi(num)
	if errY != nil || y < 2000 || y > 2999 {
		v.Errors["jaar"] = v.T("payroll.err.year")
	}
	if errN != nil || n < 1 || n > 53 {
		v.Errors["nummer"] = v.T("payroll.err.number")
	}
	if len(v.Errors) > 0 {
		return pay.Period{}, false
	}
	var text string
	switch pay.PeriodKind(kind) {
	case pay.PeriodWeek:
		text = fmt.Sprintf("%04d-W%02d", y, n)
	case pay.Period4Weeks:
		text = fmt.Sprintf("%04d-P%02d", y, n)
	case pay.PeriodMonth:
		text = fmt.Sprintf("%04d-%02d", y, n)
	default:
		v.Errors["soort"] = v.T("payroll.err.kind")
		return pay.Period{}, false
	}
	p, err := pay.ParsePeriod(text)
	if err != nil {
		v.Errors["nummer"] = v.T(map[string]string{string(pay.PeriodWeek): "payroll.err.number_week",
			string(pay.Period4Weeks): "payroll.err.number_4weeks", string(pay.PeriodMonth): "payroll.err.number_month"}[kind])
		return pay.Period{}, false
	}
	return p, true
}

// handleCreateExport makes a batch for one client (then its page) or for
// every client with a backlog (then the overview with what was made and
// what was left out, and why).
func (s *Server) handleCreateExport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.loaded(w, r, "payroll", "payroll.title", s.loadPayroll)
		if !ok {
			return
		}
		for _, k := range []string{"opdrachtgever", "soort", "jaar", "nummer", "formaat"} {
			v.Form.Set(k, r.PostForm.Get(k))
		}
		format, ferr := payrollfile.ParseFormat(r.PostForm.Get("formaat"))
		if ferr != nil {
			v.Errors["formaat"] = v.T("payroll.err.format")
		}
		period, ok := readPeriod(r, v)
		if !ok || ferr != nil {
			s.render(w, r, http.StatusUnprocessableEntity, "payroll", v)
			return
		}
		clientID := r.PostForm.Get("opdrachtgever")
		if clientID != "" {
			s.exportOne(w, r, v, clientID, period, format)
			return
		}
		_, created, skipped, err := s.Payroll.Create(r.Context(), meta(r), clientID, period, nil)
		if err != nil {
			s.showFormError(w, r, v, "payroll", err, payrollFields)
			return
		}
		// Every client: show the outcome on the overview, read again.
		if v, ok = s.loaded(w, r, "payroll", "payroll.title", s.loadPayrollForm); !ok {
			return
		}
		page := v.Data.(*payrollPage)
		names := map[string]string{}
		for _, c := range page.Clients {
			names[c.ID] = c.Name
		}
		out := &PayrollCreated{}
		for _, c := range created {
			for _, b := range page.Batches {
				if b.ID == c.BatchID {
					out.Batches = append(out.Batches, b)
				}
			}
		}
		for _, sk := range skipped {
			n := names[sk.ClientID]
			if n == "" {
				n = sk.ClientID
			}
			out.Skipped = append(out.Skipped, PayrollSkipped{ClientName: n, Err: sk.Error})
		}
		page.Result = out
		s.render(w, r, http.StatusOK, "payroll", v)
	})
}

// exportTimeout bounds an export that goes on after its form was answered.
const exportTimeout = 15 * time.Minute

type exportOutcome struct {
	res     commands.Result
	created []cmd.Created
	err     error
}

// exportOne makes a batch for one client. A batch is decided first and
// then its items are recorded a chunk at a time (commands/payroll); when
// that takes longer than ExportWait (thousands of timesheets), the form is
// answered with the batch's page, which shows how far it got, and the
// recording goes on in the background, bounded by exportTimeout and no
// longer tied to the request. If it stops halfway the page says so and the
// batch can be cancelled.
func (s *Server) exportOne(w http.ResponseWriter, r *http.Request, v *view, clientID string, period pay.Period, format payrollfile.Format) {
	m := meta(r)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), exportTimeout)
	started := make(chan cmd.Created, 1)
	done := make(chan exportOutcome, 1)
	go func() {
		defer cancel()
		res, created, _, err := s.Payroll.Create(ctx, m, clientID, period, func(c cmd.Created) { started <- c })
		done <- exportOutcome{res: res, created: created, err: err}
	}()
	q := url.Values{"formaat": {string(format)}}
	var out exportOutcome
	select {
	case out = <-done:
		if s.ExportWait < 0 && out.err == nil {
			// Not waiting at all: the batch's page, even when it
			// happened to be complete already.
			redirectAfter(w, r, batchURL(out.created[0].BatchID)+"?"+q.Encode(), out.res.Position, "export_building")
			return
		}
	case c := <-started:
		finished := false
		if s.ExportWait > 0 {
			select {
			case out = <-done:
				finished = true
			case <-time.After(s.ExportWait):
			}
		}
		if !finished {
			go func() {
				if o := <-done; o.err != nil {
					s.Log.ErrorContext(ctx, "portal: export stopped after its batch was decided", "batch", c.BatchID,
						"request_id", httpx.RequestID(r.Context()), "err", o.err)
				}
			}()
			pos, _ := eventstore.ParsePosition(c.Position)
			redirectAfter(w, r, batchURL(c.BatchID)+"?"+q.Encode(), pos, "export_building")
			return
		}
	}
	if out.err != nil {
		s.showFormError(w, r, v, "payroll", out.err, payrollFields)
		return
	}
	redirectAfter(w, r, batchURL(out.created[0].BatchID)+"?"+q.Encode(), out.res.Position, "export_created")
}

// ErrText is an error's message in the page's language.
func (v *view) ErrText(err error) string { return httpx.Detail(err, v.Lang).Message }

// batchPage is a batch's page.
type batchPage struct {
	Batch   PayrollBatch
	Formats []string
	// Primary is the format chosen at the export: offered first.
	Primary string
	// Marked and Failed are a confirmation's outcome.
	Failed []cmd.MarkFailure
}

// loadBatch puts batch id and its download formats into v.
func (s *Server) loadBatch(r *http.Request, v *view, id string) (*batchPage, error) {
	b, err := s.Payroll.Batch(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	p := &batchPage{Batch: b, Primary: string(payrollfile.Loket)}
	if f, err := payrollfile.ParseFormat(r.URL.Query().Get("formaat")); err == nil {
		p.Primary = string(f)
	}
	p.Formats = []string{p.Primary}
	for _, f := range payrollfile.Formats {
		if string(f) != p.Primary {
			p.Formats = append(p.Formats, string(f))
		}
	}
	v.Data = p
	return p, nil
}

func (s *Server) handleBatch() http.Handler {
	return s.page("payroll", "payroll.batch.title", "payroll_batch", func(r *http.Request, v *view) error {
		_, err := s.loadBatch(r, v, mux.Vars(r)["batch"])
		return err
	})
}

// handleBatchFile streams a batch's file. Errors found before the first
// byte (no such batch, a mapping without a component of this package) are
// an error page; the file is written straight to the response, so a large
// batch downloads as it is made (the browser shows the bytes coming in).
func (s *Server) handleBatchFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := actor(r)
		vars := mux.Vars(r)
		if !pay.CanExport(a) {
			s.fail(w, r, errNoPayroll)
			return
		}
		format, err := payrollfile.ParseFormat(vars["format"])
		if err != nil {
			s.fail(w, r, domain.NotFound("page_not_found", "This page does not exist.", "Deze pagina bestaat niet."))
			return
		}
		batch := vars["batch"]
		started := false
		err = s.Payroll.WriteFile(r.Context(), a, batch, format, w, func() error {
			w.Header().Set("Content-Type", format.ContentType())
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`,
				httpx.SafeFileName(format.FileName(batch), "export")))
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusOK)
			started = true
			return nil
		})
		if err != nil && !started {
			s.fail(w, r, err)
		} else if err != nil {
			s.Log.ErrorContext(r.Context(), "portal: payroll file failed midway", "batch", batch, "format", format,
				"request_id", httpx.RequestID(r.Context()), "err", err)
		}
	})
}

// handleConfirmBatch: payroll has imported the batch; its timesheets are
// marked imported. Marks that failed are shown on the batch's page.
func (s *Server) handleConfirmBatch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["batch"]
		res, _, failed, err := s.Payroll.Confirm(r.Context(), meta(r), id)
		s.batchCommandDone(w, r, id, res, err, nil, failed, "batch_confirmed")
	})
}

// batchCommandDone answers a command on the page of batch id: done (no
// error, no failed marks), back to the batch with flash; otherwise the page
// again with the refusal at the form (fields) or the marks that failed; an
// error the form cannot show fails.
func (s *Server) batchCommandDone(w http.ResponseWriter, r *http.Request, id string, res commands.Result, err error, fields map[string]string, failed []cmd.MarkFailure, flash string) {
	if err == nil && len(failed) == 0 {
		redirectAfter(w, r, batchURL(id), res.Position, flash)
		return
	}
	v := s.newView(r, "payroll", "payroll.batch.title")
	p, verr := s.loadBatch(r, v, id)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	v.Form.Set("reden", r.PostForm.Get("reden"))
	status, ok := s.formStatus(w, r, v, err, fields, http.StatusOK)
	if !ok {
		return
	}
	p.Failed = failed
	s.render(w, r, status, "payroll_batch", v)
}

// handleCancelBatch withdraws an open batch; its timesheets return to the
// backlog.
func (s *Server) handleCancelBatch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["batch"]
		res, err := s.Payroll.Cancel(r.Context(), meta(r), id, r.PostForm.Get("reden"))
		s.batchCommandDone(w, r, id, res, err, map[string]string{"reason": "reden"}, nil, "batch_cancelled")
	})
}
