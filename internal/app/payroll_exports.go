package app

import (
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/http/api"
	"backoffice/http/api/payrollexportapi"
	rmpayroll "backoffice/readmodel/payroll"
)

// newPayrollExports builds the payroll export commands (mapping, personnel
// numbers, export batches) on the timesheet commands, which record the
// imports when a batch is confirmed, and their API slice; the portal's
// screen "Salarisverwerking" uses the same commands.
func newPayrollExports(o Options, timesheets *tscmd.Handler) (*paycmd.Handler, api.Feature, error) {
	backlog, err := rmpayroll.NewQueries(o.Pool)
	if err != nil {
		return nil, nil, err
	}
	commands, err := paycmd.New(o.Store, backlog, timesheets, o.Clock)
	if err != nil {
		return nil, nil, err
	}
	feature, err := payrollexportapi.New(payrollexportapi.Deps{Commands: commands})
	return commands, feature, err
}
