package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// AddLine adds an empty line of another agreed hour type (toevoegen), to be
// filled in with SetLine. Unlike SetLine with zero minutes it never touches
// an existing line: a line of the hour type that exists is a conflict
// (line_exists), an hour type outside the week's agreement a rule error
// (hour_type_not_agreed), as is the normal hour type in time registration
// mode (line_from_time_registration).
type AddLine struct {
	Target
	HourType string
}

// AddLine runs the AddLine command.
func (h *Handler) AddLine(ctx context.Context, meta commands.Meta, cmd AddLine) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		if cmd.HourType == "" { // checked after the scope: outsiders learn nothing
			return nil, domain.Invalid("hour_type_required", "hour_type", "name the hour type of the line to add",
				"Kies de uursoort van de regel die u wilt toevoegen.")
		}
		return l.sheet.AddLine(meta.Actor, l.terms, cmd.HourType, l.now)
	})
	return res, err
}
