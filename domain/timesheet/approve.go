package timesheet

import (
	"time"

	"backoffice/domain"
)

// checkOffered refuses approving or rejecting outside the chain.
func (t *Timesheet) checkOffered() error {
	switch t.Status() {
	case StatusOffered:
		return nil
	case StatusApproved, StatusImported:
		return domain.Conflict("already_approved", "the timesheet has already been approved", "Het urenbriefje is al geaccordeerd.")
	}
	return domain.Conflict("not_offered", "the timesheet has not been offered", "Het urenbriefje is niet aangeboden.")
}

func (t *Timesheet) checkStepParty(actor domain.Actor) error {
	if !actor.Is(t.chain[t.step], domain.RoleBackoffice) {
		return forbidden("not_your_step", "it is not your turn to approve this timesheet",
			"U bent niet aan de beurt om dit urenbriefje te beoordelen.")
	}
	return nil
}

// Approve approves the current step of the approval chain. The caller names
// the step and the content hash it showed the approver: a step that is
// already approved (a second approver acting at once) and content that
// changed since (a new offer) are conflicts, so an approval is always bound
// to what was offered. When the last step approves, the timesheet is
// approved (geaccordeerd); an approval at or after the approval deadline is
// flagged late. Terms supply the allowance rates computed into Approved.
func (t *Timesheet) Approve(actor domain.Actor, terms Terms, step int, hash string, now time.Time) ([]domain.Event, error) {
	if err := t.checkTerms(terms); err != nil {
		return nil, err
	}
	if err := t.checkOffered(); err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, domain.Invalid("hash_required", "hash", "the content hash of the offered timesheet is required",
			"De controlecode van het aangeboden urenbriefje ontbreekt.")
	}
	if step < t.step {
		return nil, domain.Conflict("step_already_approved", "this step has already been approved",
			"Deze stap is al geaccordeerd.")
	}
	if step != t.step {
		return nil, domain.Conflict("step_mismatch", "this is not the step to approve now",
			"Deze stap is nu niet aan de beurt.")
	}
	if hash != t.hash {
		return nil, domain.Conflict("content_changed", "the timesheet changed since it was shown to you; reload it",
			"Het urenbriefje is gewijzigd sinds u het zag; laad het opnieuw.")
	}
	if err := t.checkStepParty(actor); err != nil {
		return nil, err
	}
	// Hours offered before the placement was ended retroactively are never
	// approved (and so never paid); see checkBookedInPeriod.
	if err := t.checkBookedInPeriod(terms); err != nil {
		return nil, err
	}
	approved := &StepApproved{Round: t.round, Step: t.step, Party: t.chain[t.step], By: actor.Role, Hash: t.hash}
	if t.step+1 < len(t.chain) {
		approved.Next = t.chain[t.step+1]
		return t.record(approved), nil
	}
	final := &Approved{
		Round:        t.round,
		Hash:         t.hash,
		Lines:        t.Lines(),
		Expenses:     t.Expenses(),
		Allowances:   t.Allowances(terms.Allowances),
		DayTotals:    t.DayTotals(),
		TotalMinutes: t.TotalMinutes(),
		Deadline:     t.approvalDeadline,
		Late:         !now.Before(t.approvalDeadline),
	}
	if final.Expenses == nil {
		final.Expenses = []Expense{}
	}
	return t.record(approved, final), nil
}
