package timesheetapi

import (
	"context"
	"errors"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	rm "backoffice/readmodel/timesheets"
)

// detailResponse is GET /timesheets/{placement}/{week}: the read model's
// timesheet and the hour types that may be booked in the week.
type detailResponse struct {
	rm.Detail
	// HourTypes are the hour types of the client's agreement in force
	// that week ([] when the week has none, e.g. after the placement's
	// end).
	HourTypes []ts.HourType `json:"hour_types"`
}

// detail reads the timesheet and completes it with the week's terms from
// the ledger (commands/timesheet.Handler.Terms, the rule every command
// decides by): a week without events shows who enters its hours, whether
// time registration applies and the bookable hour types, as its first
// event will record them. A week outside the period of a placement the
// actor can see answers as the commands on it do: 422
// week_outside_placement; a placement the actor cannot see stays 404.
// With an as_of the timesheet is replayed from the event store as it was
// then (rm.History.DetailAsOf); the terms are still today's.
func (f *Feature) detail(ctx context.Context, actor domain.Actor, t cmd.Target, asOf rm.AsOf) (any, error) {
	var d rm.Detail
	var err error
	if asOf.IsZero() {
		d, err = f.queries.Detail(ctx, actor, t.PlacementID, t.Week)
	} else { // a replay of the event store (docs/audit.md)
		d, err = f.history.DetailAsOf(ctx, actor, t.PlacementID, t.Week, asOf, f.clock())
	}
	if err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			if _, terr := f.commands.Terms(ctx, actor, t); errors.Is(terr, &domain.Error{Code: "week_outside_placement"}) {
				return nil, terr
			}
		}
		return nil, err
	}
	out := detailResponse{Detail: d, HourTypes: []ts.HourType{}}
	terms, err := f.commands.Terms(ctx, actor, t)
	switch {
	case err == nil:
		out.HourTypes = append(out.HourTypes, terms.HourTypes...)
		if d.Revision == nil { // no events yet: nothing recorded the terms
			out.EnteredBy = string(terms.EnteredBy)
			out.TimeRegistration = terms.TimeRegistration
		}
	case errors.Is(err, &domain.Error{Code: "week_outside_placement"}), errors.Is(err, &domain.Error{Code: "no_agreement"}):
		// A week recorded before the placement was ended retroactively,
		// or without an agreement: the recorded timesheet stands alone.
	default:
		return nil, err
	}
	return out, nil
}
