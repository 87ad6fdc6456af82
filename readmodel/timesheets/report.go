package timesheets

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/account"
	ts "backoffice/domain/timesheet"
	"backoffice/readmodel/identity"
	"backoffice/readmodel/tenant"
)

// The hours report (urenrapport, manual ch. 4, tab Overige): approved and
// imported timesheets of a range of ISO weeks in the actor's scope, one row
// per timesheet with the minutes per hour type.

// Limits of the hours report.
const (
	// MaxReportWeeks is the longest range, from..to inclusive: a whole ISO
	// year of 53 weeks fits.
	MaxReportWeeks = 53
	// MaxReportRows caps the timesheets in one report, so one request
	// cannot hold the server's memory; a larger report must take fewer weeks.
	MaxReportRows = 20_000
)

// ReportProjectors are the projectors the hours report reads: its rows,
// and the identity tables it takes worker and client names from.
var ReportProjectors = []string{NameTimesheets, identity.WorkersProjector, identity.ClientsProjector}

// ReportHourType is a column of the hours report.
type ReportHourType struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	Absence    bool   `json:"absence,omitempty"`
}

// ReportRow is one timesheet in the hours report.
type ReportRow struct {
	PlacementID string `json:"placement_id"`
	Week        string `json:"week"`       // 2026-W05
	WeekStart   string `json:"week_start"` // Monday
	WorkerID    string `json:"worker_id"`
	WorkerName  string `json:"worker_name"`
	ClientID    string `json:"client_id"`
	ClientName  string `json:"client_name"`
	Status      string `json:"status"` // approved or imported
	// Minutes per hour type code; only hour types with minutes.
	Minutes       map[string]int `json:"minutes"`
	TotalMinutes  int            `json:"total_minutes"`
	ExpensesCents int64          `json:"expenses_cents"` // claimed amounts (parking, other)
	ExpenseKm     int            `json:"expense_km"`     // claimed kilometres (travel)
}

// HoursReport is the hours report of a range of weeks.
type HoursReport struct {
	From string `json:"from"`
	To   string `json:"to"`
	// HourTypes are the columns: every hour type with minutes in the
	// report; worked hours before absence, then by percentage and code.
	HourTypes []ReportHourType `json:"hour_types"`
	// Rows by worker name (last name, first name), then week.
	Rows          []ReportRow    `json:"rows"`
	Totals        map[string]int `json:"totals"` // minutes per hour type code
	TotalMinutes  int            `json:"total_minutes"`
	ExpensesCents int64          `json:"expenses_cents"`
	ExpenseKm     int            `json:"expense_km"`
}

// hourTotal is one element of ts_timesheets.hour_totals.
type hourTotal struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	Absence    bool   `json:"absence,omitempty"`
	Minutes    int    `json:"minutes"`
}

// ValidateReportRange checks a report's range: two existing ISO weeks, to
// not before from, at most MaxReportWeeks weeks inclusive.
func ValidateReportRange(from, to ts.ISOWeek) error {
	if !from.Valid() {
		return domain.Invalid("week_invalid", "from", "from is not an ISO week (e.g. 2026-W01)", "De beginweek is geen geldige week (bijvoorbeeld 2026-W01).")
	}
	if !to.Valid() {
		return domain.Invalid("week_invalid", "to", "to is not an ISO week (e.g. 2026-W10)", "De eindweek is geen geldige week (bijvoorbeeld 2026-W10).")
	}
	if to.Start().Before(from.Start()) {
		return domain.Invalid("range_reversed", "to", "to must not be before from", "De eindweek mag niet voor de beginweek liggen.")
	}
	if weeksBetween(from, to) > MaxReportWeeks {
		return domain.Invalid("range_too_long", "to", fmt.Sprintf("the report covers at most %d weeks", MaxReportWeeks),
			fmt.Sprintf("Het rapport beslaat hoogstens %d weken.", MaxReportWeeks))
	}
	return nil
}

// weeksBetween counts the weeks from..to inclusive.
func weeksBetween(from, to ts.ISOWeek) int {
	a := from.Start().At(12, 0, time.UTC) // noon: no day boundary trouble
	b := to.Start().At(12, 0, time.UTC)
	return int(b.Sub(a).Hours()/24/7) + 1
}

// reportSQL selects the approved and imported timesheets of the range in
// scope (the inner query, on the scope's (tenant, week_start) index) with
// the worker's and client's names. %s is the scope condition of tenant.Where.
const reportSQL = `SELECT t.placement_id, t.iso_year, t.iso_week, t.week_start, t.worker_id, coalesce(w.full_name, ''),
	t.client_id, coalesce(c.name, ''), t.status, t.hour_totals::text, t.expenses_cents, t.expense_km
	FROM (SELECT * FROM ts_timesheets WHERE %s
		AND week_start BETWEEN $%d AND $%d AND status IN ('approved', 'imported')) t
	LEFT JOIN workers w ON w.worker_id = t.worker_id
	LEFT JOIN clients c ON c.client_id = t.client_id
	ORDER BY w.last_name, w.first_name, t.worker_id, t.week_start, c.name, t.placement_id
	LIMIT $%d`

// HoursReport is the hours report of the ISO weeks from..to (inclusive) in
// the actor's scope: the approved and imported timesheets, one row each.
// Worker and client names come from the identity read model; a name not
// projected yet is empty. More than MaxReportRows timesheets is
// KindInvalid: the caller must take fewer weeks.
func (q *Queries) HoursReport(ctx context.Context, actor domain.Actor, from, to ts.ISOWeek) (HoursReport, error) {
	return q.HoursReportMax(ctx, actor, from, to, MaxReportRows)
}

// HoursReportMax is HoursReport with maxRows in place of MaxReportRows
// (the report API's option, which a test sets low to provoke
// report_too_large for real).
func (q *Queries) HoursReportMax(ctx context.Context, actor domain.Actor, from, to ts.ISOWeek, maxRows int) (HoursReport, error) {
	if err := ValidateReportRange(from, to); err != nil {
		return HoursReport{}, err
	}
	out := HoursReport{From: from.String(), To: to.String(), HourTypes: []ReportHourType{}, Rows: []ReportRow{}, Totals: map[string]int{}}
	var args []any
	scope, ok := tenant.Where(account.ScopeOf(actor), sheetCols, &args)
	if !ok {
		return out, nil
	}
	args = append(args, from.Start().String(), to.Start().String(), maxRows+1)
	sql := fmt.Sprintf(reportSQL, scope, len(args)-2, len(args)-1, len(args))
	rows, err := q.pool.Query(ctx, sql, args...)
	if err != nil {
		return HoursReport{}, fmt.Errorf("timesheets: unable to read the hours report: %w", err)
	}
	var (
		r          ReportRow
		year, week int
		ws         time.Time
		hours      string
		km         int32
	)
	columns := map[string]ReportHourType{}
	_, err = pgx.ForEachRow(rows, []any{&r.PlacementID, &year, &week, &ws, &r.WorkerID, &r.WorkerName,
		&r.ClientID, &r.ClientName, &r.Status, &hours, &r.ExpensesCents, &km}, func() error {
		var totals []hourTotal
		if err := json.Unmarshal([]byte(hours), &totals); err != nil {
			return fmt.Errorf("bad hour_totals of %s: %w", r.PlacementID, err)
		}
		r.Week = ts.ISOWeek{Year: year, Week: week}.String()
		r.WeekStart = ws.Format(time.DateOnly)
		r.ExpenseKm = int(km)
		r.Minutes = map[string]int{}
		r.TotalMinutes = 0
		for _, h := range totals {
			if h.Minutes == 0 {
				continue
			}
			r.Minutes[h.Code] += h.Minutes
			r.TotalMinutes += h.Minutes
			out.Totals[h.Code] += h.Minutes
			if _, ok := columns[h.Code]; !ok { // the first name seen, in report order
				columns[h.Code] = ReportHourType{Code: h.Code, Name: h.Name, Percentage: h.Percentage, Absence: h.Absence}
			}
		}
		out.TotalMinutes += r.TotalMinutes
		out.ExpensesCents += r.ExpensesCents
		out.ExpenseKm += r.ExpenseKm
		out.Rows = append(out.Rows, r)
		return nil
	})
	if err != nil {
		return HoursReport{}, fmt.Errorf("timesheets: unable to read the hours report: %w", err)
	}
	if len(out.Rows) > maxRows {
		return HoursReport{}, domain.Invalid("report_too_large", "to",
			fmt.Sprintf("The report would hold more than %d timesheets; choose fewer weeks.", maxRows),
			fmt.Sprintf("Het rapport zou meer dan %d urenbriefjes bevatten; kies minder weken.", maxRows))
	}
	for _, c := range columns {
		out.HourTypes = append(out.HourTypes, c)
	}
	slices.SortFunc(out.HourTypes, func(a, b ReportHourType) int {
		if a.Absence != b.Absence {
			if a.Absence {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Percentage, b.Percentage), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}
