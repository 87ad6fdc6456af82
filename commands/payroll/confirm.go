package payroll

import (
	"context"
	"strings"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
)

// ConfirmExport records that payroll imported a batch and marks its
// timesheets imported (the batch ID is the import batch).
type ConfirmExport struct{ BatchID string }

// MarkFailure is a timesheet of a confirmed batch whose import mark failed
// (e.g. it was reported imported in another batch through the feed).
type MarkFailure struct {
	Placement string
	Week      string
	Err       error
}

// ConfirmExport runs the command: first the batch's confirmation (final),
// then MarkImported per timesheet. Confirming a confirmed batch appends
// nothing and repeats the marks, which are idempotent for the same batch,
// so a confirmation cut off halfway is finished by a retry.
func (h *Handler) ConfirmExport(ctx context.Context, meta commands.Meta, cmd ConfirmExport) (commands.Result, int, []MarkFailure, error) {
	if !pay.CanExport(meta.Actor) {
		return commands.Result{}, 0, nil, errNoSuchEndpoint
	}
	clientID, ok := pay.ParseBatchID(cmd.BatchID)
	if !ok {
		return commands.Result{}, 0, nil, errNotFound
	}
	x, st, err := h.loadExports(ctx, clientID)
	if err != nil {
		return commands.Result{}, 0, nil, err
	}
	evs, err := x.Confirm(meta.Actor, cmd.BatchID)
	if err != nil {
		return commands.Result{}, 0, nil, err
	}
	last, err := commands.Save(ctx, h.store, st, meta, h.clock(), evs...)
	if err != nil {
		return commands.Result{}, 0, nil, err
	}
	b, _ := x.Batch(cmd.BatchID)
	marked := 0
	var failed []MarkFailure
	for _, key := range b.Keys {
		placement, week := splitKey(key)
		res, err := h.timesheets.MarkImported(ctx, meta, tscmd.MarkImported{
			Target: tscmd.Target{PlacementID: placement, Week: week}, ImportBatch: cmd.BatchID})
		if err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				return last, marked, failed, err
			}
			failed = append(failed, MarkFailure{Placement: placement, Week: week.String(), Err: err})
			continue
		}
		marked++
		if res.Position.After(last.Position) {
			last.Position = res.Position
		}
	}
	return last, marked, failed, nil
}

func splitKey(key string) (string, ts.ISOWeek) {
	i := strings.LastIndexByte(key, '/')
	w, _ := ts.ParseISOWeek(key[i+1:])
	return key[:i], w
}

// CancelExport withdraws an open batch; its timesheets return to the
// backlog.
type CancelExport struct {
	BatchID string
	Reason  string
}

// CancelExport runs the command.
func (h *Handler) CancelExport(ctx context.Context, meta commands.Meta, cmd CancelExport) (commands.Result, error) {
	if !pay.CanExport(meta.Actor) {
		return commands.Result{}, errNoSuchEndpoint
	}
	clientID, ok := pay.ParseBatchID(cmd.BatchID)
	if !ok {
		return commands.Result{}, errNotFound
	}
	x, st, err := h.loadExports(ctx, clientID)
	if err != nil {
		return commands.Result{}, err
	}
	evs, err := x.Cancel(meta.Actor, cmd.BatchID, cmd.Reason)
	if err != nil {
		return commands.Result{}, err
	}
	return commands.Save(ctx, h.store, st, meta, h.clock(), evs...)
}

var errNotFound = domain.NotFound("batch_not_found", "There is no such export batch.", "Deze exportbatch bestaat niet.")
