package timesheet

import (
	"fmt"

	"backoffice/domain"
)

// HourType is an hour type agreed with the client (uursoort), such as
// normal hours (100 %) or overtime at 125 %.
type HourType struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	// Absence marks paid hours that are not worked (leave, sickness, public
	// holidays): they do not earn per-day or per-hour allowances.
	Absence bool `json:"absence,omitempty"`
}

// Period is a placement's period; a zero End means open-ended.
type Period struct {
	Start Date `json:"start"`
	End   Date `json:"end,omitzero"`
}

// Contains reports whether d falls within the period.
func (p Period) Contains(d Date) bool {
	return !d.Before(p.Start) && (p.End.IsZero() || !d.After(p.End))
}

// Overlaps reports whether any day of w falls within the period.
func (p Period) Overlaps(w ISOWeek) bool {
	return !w.End().Before(p.Start) && (p.End.IsZero() || !w.Start().After(p.End))
}

// AllowanceRates are the automatic expense allowances of the agreement, in
// cents: per day with worked hours and per hour worked.
type AllowanceRates struct {
	PerDayCents  int64 `json:"per_day_cents,omitempty"`
	PerHourCents int64 `json:"per_hour_cents,omitempty"`
}

// Terms is what applies to one placement in one week, built by the command
// layer from the client's agreement in force that week and the placement.
type Terms struct {
	PlacementID string
	Week        ISOWeek
	// HourTypes are the hour types that may be booked this week.
	HourTypes []HourType
	// NormalHourType is the code of the hour type worked time (time
	// registration) is booked on; it must be one of HourTypes.
	NormalHourType string
	// TimeRegistration: hours are entered as shifts with start and end time.
	TimeRegistration bool
	// EnteredBy is who enters the hours: domain.RoleWorker or domain.RoleClient.
	EnteredBy domain.Role
	// Chain is the approval chain in order, e.g. [client, intermediary].
	Chain      []domain.Role
	Period     Period
	Allowances AllowanceRates

	// Optional scope, copied into the Opened event for the read models.
	ClientID       string
	IntermediaryID string
	WorkerID       string
}

func termsErr(en, nl string) error {
	return domain.Rule("terms_incomplete", "", "the agreement for this placement is incomplete: "+en,
		"De afspraken voor deze plaatsing zijn onvolledig: "+nl)
}

// Validate checks that the terms are complete enough to act on.
func (t Terms) Validate() error {
	switch {
	case t.PlacementID == "":
		return termsErr("no placement", "geen plaatsing.")
	case !t.Week.Valid():
		return termsErr("no valid week", "geen geldige week.")
	case t.EnteredBy != domain.RoleWorker && t.EnteredBy != domain.RoleClient:
		return termsErr("hours must be entered by the worker or the client", "uren moeten worden ingevoerd door de werknemer of de opdrachtgever.")
	case len(t.Chain) == 0:
		return termsErr("no approval chain", "geen accordeerroute.")
	case t.Period.Start.IsZero() || (!t.Period.End.IsZero() && t.Period.End.Before(t.Period.Start)):
		return termsErr("no valid placement period", "geen geldige plaatsingsperiode.")
	}
	for _, r := range t.Chain {
		switch r {
		case domain.RoleWorker, domain.RoleClient, domain.RoleIntermediary, domain.RoleBackoffice:
		default:
			return termsErr(fmt.Sprintf("role %q cannot approve", r), fmt.Sprintf("rol %q kan niet accorderen.", r))
		}
	}
	seen := map[string]bool{}
	for _, h := range t.HourTypes {
		if h.Code == "" || seen[h.Code] {
			return termsErr("hour types without code or twice", "uursoorten zonder code of dubbel.")
		}
		seen[h.Code] = true
	}
	if t.TimeRegistration && !seen[t.NormalHourType] {
		return termsErr("no normal hour type", "geen uursoort voor normale uren.")
	}
	return nil
}

// hourType looks up an agreed hour type by code.
func (t Terms) hourType(code string) (HourType, bool) {
	for _, h := range t.HourTypes {
		if h.Code == code {
			return h, true
		}
	}
	return HourType{}, false
}
