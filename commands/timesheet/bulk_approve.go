package timesheet

import (
	"context"
	"errors"
	"fmt"

	"backoffice/commands"
	"backoffice/domain"
)

// MaxBulkApprove caps the items of one bulk approval.
const MaxBulkApprove = 500

// BulkItem is one timesheet of a bulk approval. Step and Hash are
// optional, as in Approve: a list row's next step and offer hash bind the
// approval to what the list showed.
type BulkItem struct {
	Target
	Step *int
	Hash string
}

// BulkOutcome is the result of one item: Err is nil when it was approved.
type BulkOutcome struct {
	Item   BulkItem
	Result commands.Result
	Err    error
}

// BulkApprove approves each item as its own Approve command (its own load,
// decision and append), so one failing item does not stop the others. It
// returns the outcome per item, in order, and the position of the last
// append (for read-your-writes). The list itself is checked first: empty,
// too long, or naming a timesheet twice is invalid and runs nothing.
func (h *Handler) BulkApprove(ctx context.Context, meta commands.Meta, items []BulkItem) ([]BulkOutcome, commands.Result, error) {
	if len(items) == 0 {
		return nil, commands.Result{}, domain.Invalid("items_required", "items", "name at least one timesheet", "Kies ten minste één urenbriefje.")
	}
	if len(items) > MaxBulkApprove {
		return nil, commands.Result{}, domain.Invalid("too_many_items", "items",
			fmt.Sprintf("at most %d timesheets at once", MaxBulkApprove), fmt.Sprintf("Maximaal %d urenbriefjes tegelijk.", MaxBulkApprove))
	}
	seen := map[Target]bool{}
	for i, it := range items {
		if err := it.Target.validate(); err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				c := *de
				c.Field = fmt.Sprintf("items[%d].%s", i, de.Field)
				return nil, commands.Result{}, &c
			}
			return nil, commands.Result{}, err
		}
		if seen[it.Target] {
			return nil, commands.Result{}, domain.Invalid("duplicate_item", fmt.Sprintf("items[%d]", i),
				"the same timesheet is named twice", "Hetzelfde urenbriefje staat er twee keer in.")
		}
		seen[it.Target] = true
	}
	out := make([]BulkOutcome, len(items))
	var last commands.Result
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			out[i] = BulkOutcome{Item: it, Err: err}
			continue
		}
		res, err := h.Approve(ctx, meta, Approve{Target: it.Target, Step: it.Step, Hash: it.Hash})
		out[i] = BulkOutcome{Item: it, Result: res, Err: err}
		if err == nil && res.Position.After(last.Position) {
			last = res
		}
	}
	return out, last, nil
}
