package portalwire

import (
	"context"
	"errors"
	"fmt"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/portal"
	rm "backoffice/readmodel/timesheets"
)

// Reports adapts the hours report of readmodel/timesheets to
// portal.HoursReports. Range rules and scope are the query's.
type Reports struct {
	queries *rm.Queries
}

var _ portal.HoursReports = (*Reports)(nil)

// NewReports returns the adapter; the queries are required.
func NewReports(q *rm.Queries) (*Reports, error) {
	if q == nil {
		return nil, errors.New("portalwire: NewReports: timesheet queries are required")
	}
	return &Reports{queries: q}, nil
}

// HoursReport implements portal.HoursReports.
func (r *Reports) HoursReport(ctx context.Context, actor domain.Actor, from, to ts.ISOWeek) (portal.HoursReport, error) {
	rep, err := r.queries.HoursReport(ctx, actor, from, to)
	if err != nil {
		return portal.HoursReport{}, err
	}
	out := portal.HoursReport{
		From: from, To: to,
		HourTypes: make([]ts.HourType, 0, len(rep.HourTypes)),
		Rows:      make([]portal.HoursReportRow, 0, len(rep.Rows)),
		Totals:    make(map[string]ts.Minutes, len(rep.Totals)),
		Total:     ts.Minutes(rep.TotalMinutes),
	}
	for _, h := range rep.HourTypes {
		out.HourTypes = append(out.HourTypes, ts.HourType{Code: h.Code, Name: h.Name, Percentage: h.Percentage, Absence: h.Absence})
	}
	for code, m := range rep.Totals {
		out.Totals[code] = ts.Minutes(m)
	}
	for _, row := range rep.Rows {
		week, err := ts.ParseISOWeek(row.Week)
		if err != nil {
			return portal.HoursReport{}, fmt.Errorf("portalwire: hours report row %s: %w", row.PlacementID, err)
		}
		minutes := make(map[string]ts.Minutes, len(row.Minutes))
		for code, m := range row.Minutes {
			minutes[code] = ts.Minutes(m)
		}
		out.Rows = append(out.Rows, portal.HoursReportRow{
			Ref:        portal.Ref{PlacementID: row.PlacementID, Week: week},
			WorkerName: row.WorkerName, ClientName: row.ClientName,
			Status: ts.Status(row.Status), Minutes: minutes, Total: ts.Minutes(row.TotalMinutes),
			ExpensesCents: row.ExpensesCents,
		})
	}
	return out, nil
}
