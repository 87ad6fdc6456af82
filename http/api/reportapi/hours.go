package reportapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/api"
	"backoffice/http/httpx"
	rm "backoffice/readmodel/timesheets"
)

// handleHours is GET /reports/hours: the hours report of the weeks
// from..to, as JSON, or with format=csv as a CSV download.
func (f *Feature) handleHours(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") != "csv" {
			s.Query(w, r, rm.ReportProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
				from, to, err := hoursRequest(r)
				if err != nil {
					return nil, err
				}
				return f.queries.HoursReportMax(ctx, actor, from, to, f.maxRows)
			})
			return
		}
		// CSV: the same steps as api.Server.Query (authenticate, wait for
		// min_position, query), rendered as CSV; errors stay JSON.
		actor, ok := s.Actor(w, r)
		if !ok {
			return
		}
		if !s.WaitForMin(w, r, rm.ReportProjectors...) {
			return
		}
		from, to, err := hoursRequest(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		rep, err := f.queries.HoursReportMax(r.Context(), actor, from, to, f.maxRows)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		header, rows := csvOf(rep, httpx.Language(r))
		if err := httpx.WriteCSV(w, fmt.Sprintf("urenrapport-%s-%s.csv", rep.From, rep.To), header, rows); err != nil {
			s.Log.ErrorContext(r.Context(), "reportapi: unable to send the hours report", "request_id", httpx.RequestID(r.Context()), "err", err)
		}
	})
}

// hoursRequest parses from, to and format; the range rules are the
// query's (rm.ValidateReportRange).
func hoursRequest(r *http.Request) (from, to ts.ISOWeek, err error) {
	q := r.URL.Query()
	switch q.Get("format") {
	case "", "json", "csv":
	default:
		return from, to, domain.Invalid("format_invalid", "format", "format must be json or csv", "format moet json of csv zijn.")
	}
	if from, err = week(q.Get("from"), "from"); err != nil {
		return from, to, err
	}
	if to, err = week(q.Get("to"), "to"); err != nil {
		return from, to, err
	}
	return from, to, rm.ValidateReportRange(from, to)
}

func week(v, field string) (ts.ISOWeek, error) {
	if v == "" {
		return ts.ISOWeek{}, domain.Invalid("week_required", field,
			fmt.Sprintf("%s is required: an ISO week such as 2026-W05", field),
			fmt.Sprintf("%s ontbreekt: een week zoals 2026-W05.", field))
	}
	w, err := ts.ParseISOWeek(v)
	var de *domain.Error
	if errors.As(err, &de) {
		// The domain's reason ("2025 has 52 ISO weeks"), at this field.
		c := *de
		c.Field, c.Message, c.MessageNL = field, field+": "+de.Message, field+": "+de.MessageNL
		return ts.ISOWeek{}, &c
	}
	return w, err
}

// csvOf lays the report out for a spreadsheet, the way the portal's CSV
// does: one row per timesheet, a column per hour type in decimal hours
// (decimal comma), the expenses in euros without the sign.
func csvOf(rep rm.HoursReport, lang string) ([]string, [][]string) {
	label := func(en, nl string) string {
		if lang == "nl" {
			return nl
		}
		return en
	}
	header := []string{label("Worker", "Werknemer"), label("Client", "Opdrachtgever"), label("Week", "Week"), label("Status", "Status")}
	for _, h := range rep.HourTypes {
		name := h.Name
		if name == "" {
			name = h.Code
		}
		header = append(header, name)
	}
	header = append(header, label("Total", "Totaal"), label("Expenses", "Onkosten"), label("Kilometres", "Kilometers"))
	rows := make([][]string, 0, len(rep.Rows))
	for _, row := range rep.Rows {
		status := row.Status
		if lang == "nl" {
			status = ts.Status(row.Status).LabelNL()
		}
		line := []string{row.WorkerName, row.ClientName, row.Week, status}
		for _, h := range rep.HourTypes {
			line = append(line, httpx.DecimalHours(row.Minutes[h.Code]))
		}
		line = append(line, httpx.DecimalHours(row.TotalMinutes), amount(row.ExpensesCents), fmt.Sprint(row.ExpenseKm))
		rows = append(rows, line)
	}
	return header, rows
}

// amount is cents as "1234,56": a number a Dutch spreadsheet reads.
func amount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d,%02d", sign, cents/100, cents%100)
}
