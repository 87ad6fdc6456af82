package timesheet

import "backoffice/domain"

// MayEdit reports whether actor may change the hours of a timesheet in
// status s: the status is editable, the week can be filled in, and the
// actor is the one who enters the hours (or the back office). The editing
// commands decide by the same checks (beginEdit); the portal shows the
// editor only where this holds.
func MayEdit(actor domain.Actor, enteredBy domain.Role, s Status, fillable bool) bool {
	return s.Editable() && fillable && enteredBy != "" && actor.Is(enteredBy, domain.RoleBackoffice)
}
