package timesheet

// Allowances are the automatic expense allowances of a week, computed for
// payroll and reports and never shown in the editor.
type Allowances struct {
	DaysWorked    int     `json:"days_worked"`
	MinutesWorked Minutes `json:"minutes_worked"`
	PerDayCents   int64   `json:"per_day_cents"`
	PerHourCents  int64   `json:"per_hour_cents"`
	TotalCents    int64   `json:"total_cents"`
}

// ComputeAllowances computes the allowances from minutes worked per day: the
// per-day rate for each day with worked minutes, and the per-hour rate pro
// rata per minute over the week's total, rounded half up to a whole cent
// once (not per day, so rounding never accumulates). Negative rates and
// minutes count as zero.
func ComputeAllowances(worked [7]Minutes, rates AllowanceRates) Allowances {
	var a Allowances
	for _, m := range worked {
		if m > 0 {
			a.DaysWorked++
			a.MinutesWorked += m
		}
	}
	if rates.PerDayCents > 0 {
		a.PerDayCents = rates.PerDayCents * int64(a.DaysWorked)
	}
	if rates.PerHourCents > 0 {
		a.PerHourCents = (rates.PerHourCents*int64(a.MinutesWorked)*2 + 60) / 120
	}
	a.TotalCents = a.PerDayCents + a.PerHourCents
	return a
}

// WorkedPerDay is the minutes per day that count as worked: all lines except
// absence hour types (leave, sickness), including time registration.
func (t *Timesheet) WorkedPerDay() [7]Minutes {
	var days [7]Minutes
	for _, l := range t.Lines() {
		if l.HourType.Absence {
			continue
		}
		for i, m := range l.Minutes {
			days[i] += m
		}
	}
	return days
}

// Allowances computes the week's automatic allowances at the given rates.
func (t *Timesheet) Allowances(rates AllowanceRates) Allowances {
	return ComputeAllowances(t.WorkedPerDay(), rates)
}
