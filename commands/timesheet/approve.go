package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// Approve approves the current step of the approval chain.
//
// Step and Hash bind the approval to what the approver was shown: a step
// approved meanwhile by someone else, or content offered anew, is a
// conflict. Left out (nil, ""), they default to the current step (or, for a
// repeated approval, the step the actor already approved: a conflict) and
// the current offer, for bulk approval from a list.
type Approve struct {
	Target
	Step *int
	Hash string
}

// Approve runs the Approve command.
func (h *Handler) Approve(ctx context.Context, meta commands.Meta, cmd Approve) (commands.Result, error) {
	res, _, err := h.decideOn(ctx, meta, cmd.Target, anyWeek, func(l *loaded) ([]domain.Event, error) {
		step := l.sheet.StepToApprove(meta.Actor)
		if cmd.Step != nil {
			step = *cmd.Step
		}
		hash := cmd.Hash
		if hash == "" {
			hash = l.sheet.OfferedHash()
		}
		return l.sheet.Approve(meta.Actor, l.terms, step, hash, l.now)
	})
	return res, err
}
