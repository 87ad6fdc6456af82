package portalwire

import (
	"context"
	"slices"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/portal"
)

// weekTerms are what applies to a timesheet's week (hour types, entry mode,
// who enters the hours), from commands/timesheet's Terms: the same rule,
// read from the same ledger, that the commands decide by, so the editor
// offers exactly the hour types a command will accept. ok is false when
// nothing can be entered that week (no agreement with the client, or a
// week outside the placement period): the sheet is then shown without hour
// types. A placement outside the actor's scope stays domain.ErrNotFound.
func (t *Timesheets) weekTerms(ctx context.Context, actor domain.Actor, ref portal.Ref) (ts.Terms, bool, error) {
	terms, err := t.commands.Terms(ctx, actor, target(ref))
	switch {
	case err == nil:
		return terms, true, nil
	case domain.KindOf(err) == domain.KindRule:
		return ts.Terms{}, false, nil
	}
	return ts.Terms{}, false, err
}

// applyTerms fills the sheet's hour types and entry mode, and the
// placement's entering role, from the week's terms.
func applyTerms(sh *portal.Sheet, p *portal.Placement, terms ts.Terms) {
	p.EnteredBy, p.TimeRegistration = terms.EnteredBy, terms.TimeRegistration
	sh.NormalHourType = terms.NormalHourType
	sh.HourTypes = slices.Clone(terms.HourTypes)
}
