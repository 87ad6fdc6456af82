package app

import (
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/http/api"
	"backoffice/http/api/payrollexportapi"
	rmpayroll "backoffice/readmodel/payroll"
)

// newPayrollExports builds the payroll export API slice (mapping, personnel
// numbers, export batches) on the timesheet commands, which record the
// imports when a batch is confirmed.
func newPayrollExports(o Options, timesheets *tscmd.Handler) (api.Feature, error) {
	backlog, err := rmpayroll.NewQueries(o.Pool)
	if err != nil {
		return nil, err
	}
	commands, err := paycmd.New(o.Store, backlog, timesheets, o.Clock)
	if err != nil {
		return nil, err
	}
	return payrollexportapi.New(payrollexportapi.Deps{Commands: commands})
}
