package timesheet

import (
	"slices"
	"time"

	"backoffice/domain"
)

// Offer (aanbieden) locks the timesheet and hands it to the first step of
// the placement's approval chain. It needs at least one non-zero line or
// entry. Offering after a rejection starts the chain again. An offer at or
// after the entry deadline is flagged late.
func (t *Timesheet) Offer(actor domain.Actor, terms Terms, adj AdjacentWeeks, now time.Time) ([]domain.Event, error) {
	if err := t.checkEnterer(actor, terms, notEntererEdit, notEntererEditNL); err != nil {
		return nil, err
	}
	if t.Status() == StatusOffered {
		return nil, domain.Conflict("already_offered", "the timesheet has already been offered", "Het urenbriefje is al aangeboden.")
	}
	if _, err := t.beginEdit(actor, terms, now); err != nil {
		return nil, err
	}
	if !t.opened || t.TotalMinutes() == 0 {
		return nil, domain.Rule("nothing_to_offer", "", "enter at least one line with hours before offering",
			"Vul ten minste één urenregel in voordat u het urenbriefje aanbiedt.")
	}
	// The placement may have been ended after these hours were entered,
	// and hours on future days were accepted before that was refused.
	if err := t.checkBookedInPeriod(terms); err != nil {
		return nil, err
	}
	if err := t.checkNoFutureHours(terms, now); err != nil {
		return nil, err
	}
	// The week's last continuous shift follows the next week's first one
	// (follow.go); should a command on the next week have left it out of
	// step (it failed between its two appends), it follows now: the offer
	// and its hash are of the hours as they run on.
	followed, err := t.FollowNextWeek(adj.Next)
	if err != nil {
		return nil, err
	}
	// Changing an entry checks it against the neighbouring weeks, but those
	// are read, not locked: two weeks edited at the same moment can each
	// pass against the other's old state. Offering checks every shift
	// again, so such an overlap can never be offered (and so approved).
	if err := CheckAdjacentWeek(t.worked, adj.Prev); err != nil {
		return nil, err
	}
	if err := CheckAdjacentWeek(t.worked, adj.Next); err != nil {
		return nil, err
	}
	chain := slices.Clone(terms.Chain)
	return append(followed, t.record(&Offered{
		Round:        t.round + 1,
		Hash:         t.ContentHash(),
		Chain:        chain,
		Next:         chain[0],
		Lines:        t.Lines(),
		DayTotals:    t.DayTotals(),
		TotalMinutes: t.TotalMinutes(),
		Deadline:     t.entryDeadline,
		Late:         !now.Before(t.entryDeadline),
	})...), nil
}
