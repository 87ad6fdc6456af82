package payroll

import (
	"context"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain/account"
)

// Reopen returns an imported timesheet to the one who enters the hours for
// a correction (back office): the timesheet command Reopen. Its next
// approval is exported as a correction (see CreateExport).
func (h *Handler) Reopen(ctx context.Context, meta commands.Meta, cmd tscmd.Reopen) (commands.Result, error) {
	if !account.IsStaff(meta.Actor) {
		return commands.Result{}, errNoSuchEndpoint
	}
	return h.timesheets.Reopen(ctx, meta, cmd)
}
