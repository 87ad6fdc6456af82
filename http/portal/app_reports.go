package portal

import (
	"context"
	"fmt"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	rm "backoffice/readmodel/timesheets"
)

// reportApp is the hours report (urenrapport) of readmodel/timesheets:
// hours per worker and week in the actor's scope.
type reportApp struct {
	queries *rm.Queries
}

// HoursReport covers the ISO weeks from..to (inclusive); range rules and scope are the query\'s.
func (r *reportApp) HoursReport(ctx context.Context, actor domain.Actor, from, to ts.ISOWeek) (HoursReport, error) {
	rep, err := r.queries.HoursReport(ctx, actor, from, to)
	if err != nil {
		return HoursReport{}, err
	}
	out := HoursReport{
		From: from, To: to,
		HourTypes:  make([]ts.HourType, 0, len(rep.HourTypes)),
		Rows:       make([]HoursReportRow, 0, len(rep.Rows)),
		Totals:     make(map[string]ts.Minutes, len(rep.Totals)),
		Total:      ts.Minutes(rep.TotalMinutes),
		Kilometres: rep.ExpenseKm,
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
			return HoursReport{}, fmt.Errorf("portal: hours report row %s: %w", row.PlacementID, err)
		}
		minutes := make(map[string]ts.Minutes, len(row.Minutes))
		for code, m := range row.Minutes {
			minutes[code] = ts.Minutes(m)
		}
		out.Rows = append(out.Rows, HoursReportRow{
			Ref:        Ref{PlacementID: row.PlacementID, Week: week},
			WorkerName: row.WorkerName, ClientName: row.ClientName,
			Status: ts.Status(row.Status), Minutes: minutes, Total: ts.Minutes(row.TotalMinutes),
			ExpensesCents: row.ExpensesCents, Kilometres: row.ExpenseKm,
		})
	}
	return out, nil
}
