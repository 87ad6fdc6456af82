package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// SetLines sets several hour lines at once (the editor's grid): all of
// them or, on any refusal, none.
type SetLines struct {
	Target
	Lines []ts.LineInput
}

// SetLines runs the SetLines command: one decision, one append.
func (h *Handler) SetLines(ctx context.Context, meta commands.Meta, cmd SetLines) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.SetLines(meta.Actor, l.terms, cmd.Lines, l.now)
	})
	return res, err
}
