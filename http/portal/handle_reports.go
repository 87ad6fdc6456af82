package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"backoffice/domain/timesheet"
	"backoffice/domain/validate"
	"backoffice/http/httpx"
	"backoffice/readmodel/paging"
)

// The hours report (urenrapport) of the tab "Overige": hours per worker and
// week, a column per hour type, as a table and as CSV.

// reportWeeks is how many complete weeks the report shows by default.
const reportWeeks = 4

// defaultReportRange is the last reportWeeks complete weeks before the
// current Dutch week.
func defaultReportRange(now time.Time) (from, to timesheet.ISOWeek) {
	to = timesheet.WeekOf(timesheet.DateOf(validate.Today(now))).Prev()
	from = to
	for range reportWeeks - 1 {
		from = from.Prev()
	}
	return from, to
}

type reportRow struct {
	Worker, Client string
	Week           timesheet.ISOWeek
	Status         statusView
	Cells          []string
	Total          string
	Expenses       string
	Km             int
}

type reportPage struct {
	From, To   string   // the form's values
	Shown      bool     // a report was made (no form errors)
	Columns    []string // the hour types' labels
	Rows       []reportRow
	Totals     []string
	Total      string
	Expenses   string
	Km         int
	ShowClient bool
	CSVURL     string
	// Pager pages the rows (reportPageSize a page); the totals are the
	// whole report's.
	Pager pager
}

// reportPageSize is the rows of one page of the hours report's table (the
// CSV holds every row).
const reportPageSize = 500

// ColumnLabel names hour-type column i for the phone layout's cards.
func (p reportPage) ColumnLabel(i int) string {
	if i < 0 || i >= len(p.Columns) {
		return ""
	}
	return p.Columns[i]
}

var reportFields = map[string]string{"from": "from", "to": "to"}

func (s *Server) handleReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.otherView(r, "report", "report.title")
		a := actor(r)
		q := r.URL.Query()
		from, to := defaultReportRange(s.Clock())
		p := reportPage{From: q.Get("van"), To: q.Get("tot"), ShowClient: seesSeveralClients(a)}
		if p.From == "" {
			p.From = from.String()
		}
		if p.To == "" {
			p.To = to.String()
		}
		var err error
		if from, err = timesheet.ParseISOWeek(p.From); err != nil {
			v.Errors["from"] = weekInvalid(v, p.From, err)
		}
		if to, err = timesheet.ParseISOWeek(p.To); err != nil {
			v.Errors["to"] = weekInvalid(v, p.To, err)
		}
		if len(v.Errors) == 0 && to.Start().Before(from.Start()) {
			v.Errors["to"] = v.T("report.to_before_from")
		}
		status := http.StatusBadRequest
		if len(v.Errors) == 0 {
			rep, err := s.Reports.HoursReport(r.Context(), a, from, to)
			switch {
			case err == nil && q.Get("formaat") == "csv":
				s.writeReportCSV(w, r, v, rep)
				return
			case err == nil:
				page, perr := pageRequest(r, reportPageSize)
				if perr != nil {
					s.fail(w, r, perr)
					return
				}
				s.fillReport(v, &p, rep)
				var next string
				p.Rows, next = paging.Slice(page, p.Rows)
				p.Pager = v.offsetPager(r, page, next)
				status = http.StatusOK
			case v.formError(err, reportFields):
				status = httpx.Status(err)
			default:
				s.fail(w, r, err)
				return
			}
		}
		v.Data = p
		s.render(w, r, status, "report", v)
	})
}

func (s *Server) fillReport(v *view, p *reportPage, rep HoursReport) {
	p.Shown = true
	for _, h := range rep.HourTypes {
		p.Columns = append(p.Columns, hourTypeLabel(h))
	}
	p.Km = rep.Kilometres
	p.CSVURL = "/overige/urenrapport?" + url.Values{"van": {rep.From.String()}, "tot": {rep.To.String()}, "formaat": {"csv"}}.Encode()
	var expenses int64
	for _, row := range rep.Rows {
		rv := reportRow{Worker: row.WorkerName, Client: row.ClientName, Week: row.Ref.Week,
			Status: v.StatusView(row.Status), Total: formatHours(v.Lang, row.Total), Expenses: formatEuro(v.Lang, row.ExpensesCents), Km: row.Kilometres}
		for _, h := range rep.HourTypes {
			rv.Cells = append(rv.Cells, formatHours(v.Lang, row.Minutes[h.Code]))
		}
		expenses += row.ExpensesCents
		p.Rows = append(p.Rows, rv)
	}
	for _, h := range rep.HourTypes {
		p.Totals = append(p.Totals, formatHours(v.Lang, rep.Totals[h.Code]))
	}
	p.Total = formatHours(v.Lang, rep.Total)
	p.Expenses = formatEuro(v.Lang, expenses)
}

// writeReportCSV sends the report as CSV for a spreadsheet: decimal hours
// with a comma, amounts without the euro sign.
func (s *Server) writeReportCSV(w http.ResponseWriter, r *http.Request, v *view, rep HoursReport) {
	header := []string{v.T("col.worker"), v.T("workers.client"), v.T("col.week"), v.T("col.status")}
	for _, h := range rep.HourTypes {
		header = append(header, h.Name)
	}
	header = append(header, v.T("col.total"), v.T("report.expenses"), v.T("report.km"))
	rows := make([][]string, 0, len(rep.Rows))
	for _, row := range rep.Rows {
		line := []string{row.WorkerName, row.ClientName, row.Ref.Week.String(), v.StatusView(row.Status).Label}
		for _, h := range rep.HourTypes {
			line = append(line, httpx.DecimalHours(int(row.Minutes[h.Code])))
		}
		line = append(line, httpx.DecimalHours(int(row.Total)), csvAmount(row.ExpensesCents), strconv.Itoa(row.Kilometres))
		rows = append(rows, line)
	}
	name := fmt.Sprintf("urenrapport-%s-%s.csv", rep.From, rep.To)
	if err := httpx.WriteCSV(w, name, header, rows); err != nil {
		s.Log.ErrorContext(r.Context(), "portal: unable to send the hours report", "err", err)
	}
}

// csvAmount is cents as "1234,56": a number a Dutch spreadsheet reads.
func csvAmount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d,%02d", sign, cents/100, cents%100)
}
