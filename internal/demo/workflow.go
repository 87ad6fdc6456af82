package demo

import (
	"context"
	"fmt"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// WorkflowWeekBack is the week, counted back from the current ISO week,
// in which seedWorkflow puts four bakery timesheets in the statuses the
// manual explains (§1.2), so that a demo user meets each one at the first
// login, and Kees and Anna find a week waiting for them. Jan's and
// Fatima's week stays for the demo users to fill in; the garden centre is
// left to the load driver and the kill -9 loop.
const WorkflowWeekBack = 1

// RejectReason is the reason the bakery gives for the demo's rejected week.
const RejectReason = "Vrijdag klopt niet: de winkel was om 14:00 dicht."

// workflowSheets are the demo's timesheets of WorkflowWeekBack: the worker
// (index into workers) and how far the week goes.
var workflowSheets = []struct {
	worker int
	upto   workflowStep
}{
	{4, stepOpen},           // Mehmet: entered, not offered (Open)
	{3, stepOffered},        // Sanne: offered, the bakery's turn (Aangeboden, waits for Kees)
	{5, stepClientApproved}, // Lotte: the bakery approved, the intermediary's turn (waits for Anna)
	{2, stepRejected},       // Pieter: rejected by the bakery (Afgekeurd, waits for Pieter)
}

type workflowStep int

const (
	stepOpen workflowStep = iota
	stepOffered
	stepClientApproved
	stepRejected
)

// seedWorkflow enters the workflowSheets as the demo's own accounts would
// (the worker registers Monday to Friday, the bakery's contact approves or
// rejects). A week that has a timesheet is left alone, so running it
// again changes nothing.
func seedWorkflow(ctx context.Context, sheets *tscmd.Handler, store eventstore.Store, actor func(string) (domain.Actor, error), client domain.Actor, current ts.ISOWeek) error {
	week := current
	for range WorkflowWeekBack {
		week = week.Prev()
	}
	for _, s := range workflowSheets {
		w := workers[s.worker]
		target := tscmd.Target{PlacementID: placementID(s.worker + 1), Week: week}
		if has, err := hasTimesheet(ctx, store, target); err != nil || has {
			if err != nil {
				return err
			}
			continue
		}
		wk, err := actor(workerEmail(w))
		if err != nil {
			return err
		}
		if err := workflowSheet(ctx, sheets, target, wk, client, s.upto); err != nil {
			return fmt.Errorf("demo: timesheet of %s, %s: %w", w.first, week, err)
		}
	}
	return nil
}

// workflowSheet is a bakery week taken up to step upto.
func workflowSheet(ctx context.Context, sheets *tscmd.Handler, t tscmd.Target, worker, client domain.Actor, upto workflowStep) error {
	m := commands.Meta{Actor: worker, CorrelationID: "demo-seed"}
	if err := bakeryShifts(ctx, sheets, m, t); err != nil {
		return err
	}
	if upto == stepOpen {
		return nil
	}
	if _, err := sheets.Offer(ctx, m, tscmd.Offer{Target: t}); err != nil {
		return err
	}
	cm := commands.Meta{Actor: client, CorrelationID: "demo-seed"}
	switch upto {
	case stepClientApproved:
		_, err := sheets.Approve(ctx, cm, tscmd.Approve{Target: t})
		return err
	case stepRejected:
		_, err := sheets.Reject(ctx, cm, tscmd.Reject{Target: t, Reason: RejectReason})
		return err
	}
	return nil
}
