package placement

import (
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/validate"
)

// Correct is the command to correct a placement's function or start date
// after a typo. An empty Function or a zero Start keeps the recorded one.
type Correct struct {
	Function string
	Start    time.Time
	Reason   string // optional: why, for the history
}

// Correct records the placement's corrected function and start date as a
// new event (events are forever: placement.started keeps what was typed
// first). c is the placement's client, loaded by the caller.
//
// Who: the back office, or a user of the placement's client; the
// intermediary sees the placement but may not (forbidden); others get
// not-found.
//
// Rules: something changes; the function is a valid text; the start is not
// after the end (the fixed or recorded one) and the client's agreement is
// in force on it. Hours booked before a later start are the command
// layer's check (CheckNoHoursBeforeStart), and so is an overlap with
// another placement of the worker at the client (CheckNoOverlap).
func (p *Placement) Correct(actor domain.Actor, c *client.Client, cmd Correct, now time.Time) ([]domain.Event, error) {
	if !p.started || !account.CanSeePlacement(actor, p.Ref()) {
		return nil, domain.ErrNotFound
	}
	if !account.IsStaff(actor) && !(actor.Role == domain.RoleClient && actor.ClientID == p.clientID) {
		return nil, account.Forbidden
	}
	function, start := p.function, p.period.Start
	var err error
	if cmd.Function != "" {
		if function, err = validate.Text("function", cmd.Function, 80); err != nil {
			return nil, err
		}
	}
	if !cmd.Start.IsZero() {
		if start, err = validate.Date("start", cmd.Start); err != nil {
			return nil, err
		}
	}
	reason, err := validate.OptionalText("reason", cmd.Reason, 200)
	if err != nil {
		return nil, err
	}
	if function == p.function && start.Equal(p.period.Start) {
		return nil, domain.Conflict("nothing_to_correct",
			"The placement already has this function and start date.",
			"De plaatsing heeft deze functie en begindatum al.")
	}
	if end := p.period.End; !end.IsZero() && start.After(end) {
		return nil, domain.Rule("start_after_end", "start",
			"The start date cannot be after the placement's end date ("+end.Format(time.DateOnly)+").",
			"De begindatum kan niet na de einddatum van de plaatsing liggen ("+end.Format("2-1-2006")+").")
	}
	if !start.Equal(p.period.Start) {
		if c == nil || c.ID() != p.clientID {
			return nil, domain.ErrNotFound
		}
		if _, ok := c.AgreementOn(start); !ok {
			return nil, errNoAgreement
		}
	}
	return []domain.Event{&Corrected{PlacementID: p.id, Function: function, Start: start, Reason: reason}}, nil
}

// CheckNoHoursBeforeStart refuses moving the start to start while hours or
// expenses are booked before it: they would stay in the ledger for days
// the worker was no longer placed. Like CheckNoHoursAfterEnd it names the
// weeks, to be corrected (rejected and cleared) first.
func CheckNoHoursBeforeStart(start time.Time, booked []Booked) error {
	start = validate.Day(start)
	var weeks []string
	for _, b := range booked {
		if validate.Day(b.Day).Before(start) && (len(weeks) == 0 || weeks[len(weeks)-1] != b.Week) {
			weeks = append(weeks, b.Week)
		}
	}
	if len(weeks) == 0 {
		return nil
	}
	list := strings.Join(weeks, ", ")
	return domain.Rule("hours_before_start", "start",
		"hours or expenses are booked before this start date, in week(s) "+list+"; have them removed first or choose an earlier start date",
		"Er zijn uren of onkosten geboekt vóór deze begindatum, in week "+list+"; laat die eerst verwijderen of kies een eerdere begindatum.")
}
