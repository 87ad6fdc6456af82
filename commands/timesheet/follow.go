package timesheet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// The previous week's last continuous shift runs on to this week's first
// shift and follows it (domain/timesheet/follow.go). The two weeks are two
// streams and no append spans both, so a command that changes this week's
// shifts appends the previous week's follow-up first, with the revision it
// decided on, and then its own events:
//
//   - the follow-up is never lost: it is stored before the change it
//     follows, and a conflict on the previous week (it was offered, or
//     edited, in between) decides the whole command again; a conflict on
//     this week (the follow-up's append requires it unchanged too) is the
//     409 it always was, with nothing appended;
//   - if the command's own append then fails (a conflict, the process
//     killed between the two appends), the previous week is ahead of this
//     one. A failed append re-synchronises it at once (resync); if that
//     fails too, or the process died, the next command on either week, a
//     retry under the same Idempotency-Key, and at the latest the previous
//     week's offer (ts.Timesheet.Offer follows before it offers) record
//     the end this week's recorded shifts give. No week is offered with a
//     run-on end that its next week does not have.

// followUp is the previous week's follow-up of a decision.
type followUp struct {
	stream commands.Stream
	events []domain.Event
}

// decideEntries runs a decision that changes l's time entries with the
// neighbouring weeks (decide gets their intervals) and prepares the
// previous week's follow-up of the result: its last continuous shift then
// ends where this week's first shift starts now. A follow-up that the
// previous week's rules refuse refuses the command
// (previous_week_run_on).
func (h *Handler) decideEntries(ctx context.Context, l *loaded, decide func(adj ts.AdjacentWeeks) ([]domain.Event, error)) ([]domain.Event, error) {
	n, err := h.neighbours(ctx, l)
	if err != nil {
		return nil, err
	}
	events, err := decide(n.adj)
	if err != nil || n.prev == nil {
		return events, err
	}
	follow, err := n.prev.FollowFromNextWeek(l.sheet.Worked()) // l.sheet holds the decision
	if err != nil {
		return nil, err
	}
	if len(follow) > 0 {
		l.first = &followUp{stream: n.prevStream, events: follow}
	}
	return events, nil
}

// saveFollowUp appends l's follow-up to the previous week with the
// revision it was decided on, and l's week's as a condition. Under an idempotency key its event IDs come
// from the key and that revision, so a retry that finds it stored appends
// nothing, and one that must follow again (the week moved) does.
func (h *Handler) saveFollowUp(ctx context.Context, meta commands.Meta, l *loaded) (commands.Result, error) {
	fm := meta
	if fm.IdempotencyKey != "" {
		fm.Command = fmt.Sprintf("%s|run-on@%d/%t", meta.Command, l.first.stream.Revision, l.first.stream.Exists)
	}
	// Only while this week stands where it was decided on: a command that
	// raced on this week gets its 409 as before, rather than a follow-up
	// of a decision on a state that is gone (and a second decision).
	res, err := commands.SaveIf(ctx, h.store, l.first.stream, []commands.Stream{l.stream}, fm, l.now, l.first.events...)
	var wrong *eventstore.WrongExpectedRevisionError
	if errors.As(err, &wrong) && wrong.Stream == l.first.stream.Name {
		// The previous week moved: the whole command is decided again
		// (decideOn), unless this week moved too. A racing command on
		// this week moves both (its follow-up first), and the store may
		// name either: it is this week's conflict then.
		got, rerr := h.store.ReadStreams(ctx, eventstore.StreamRead{Stream: l.stream.Name, From: l.stream.Revision + 1})
		if rerr == nil && (got[0].Exists != l.stream.Exists || got[0].Revision != l.stream.Revision) {
			return res, fmt.Errorf("commands/timesheet: %w", &eventstore.WrongExpectedRevisionError{Stream: l.stream.Name,
				Expected: l.stream.Expected(), Actual: got[0].Revision, StreamExists: got[0].Exists})
		}
	}
	return res, err
}

// resync records in the previous week of t the run-on end that t's
// recorded shifts give, after a command appended a follow-up there but
// not its own events. Best effort: when it fails the sync points named
// above catch up.
func (h *Handler) resync(ctx context.Context, meta commands.Meta, t Target) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// The command's actor caused it; its key belongs to the failed append.
	_ = h.followRecorded(ctx, commands.Meta{Actor: meta.Actor, CorrelationID: meta.CorrelationID}, t)
}

// followRecorded makes the previous week of t follow t's recorded shifts:
// when its last continuous shift (still editable) ends elsewhere than t's
// first recorded shift says, the new end is recorded there.
func (h *Handler) followRecorded(ctx context.Context, meta commands.Meta, t Target) error {
	if !t.Week.Prev().Valid() {
		return nil
	}
	prevName := ts.StreamName(t.PlacementID, t.Week.Prev())
	got, err := h.store.ReadStreams(ctx, eventstore.StreamRead{Stream: prevName},
		eventstore.StreamRead{Stream: ts.StreamName(t.PlacementID, t.Week)})
	if err != nil {
		return fmt.Errorf("commands/timesheet: resync: %w", err)
	}
	prev, this := &ts.Timesheet{}, &ts.Timesheet{}
	st, err := foldSlice(ctx, got[0], ts.Events, prev)
	if err != nil {
		return err
	}
	if _, err := foldSlice(ctx, got[1], ts.Events, this); err != nil {
		return err
	}
	follow, err := prev.FollowNextWeek(this.Worked())
	if err != nil || len(follow) == 0 {
		return err
	}
	_, err = commands.Save(ctx, h.store, st, meta, h.clock(), follow...)
	return err
}
