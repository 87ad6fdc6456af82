package timesheet

import (
	"slices"
	"time"

	"backoffice/domain"
)

// MarkImported records that the payroll package imported the approved
// hours in a batch. Repeating it with the same batch records nothing (a
// retried import), also when it was imported before a reopen and the
// report comes again later (unless the timesheet is approved again: then
// the caller's hash check decides); another batch is a conflict.
func (t *Timesheet) MarkImported(actor domain.Actor, now time.Time, importBatch string) ([]domain.Event, error) {
	if !actor.Is(domain.RolePayroll, domain.RoleBackoffice) {
		return nil, forbidden("payroll_only", "only payroll can mark a timesheet imported",
			"Alleen de salarisadministratie kan een urenbriefje als geïmporteerd markeren.")
	}
	importBatch, err := importBatchText(importBatch)
	if err != nil {
		return nil, err
	}
	switch t.Status() {
	case StatusApproved:
	case StatusImported:
		if t.importBatch == importBatch || slices.Contains(t.pastBatches, importBatch) {
			return nil, nil
		}
		return nil, domain.Conflict("already_imported", "the timesheet has already been imported", "Het urenbriefje is al geïmporteerd.")
	default:
		if slices.Contains(t.pastBatches, importBatch) {
			return nil, nil // a report retried after a reopen: recorded before it
		}
		return nil, domain.Conflict("not_approved", "only an approved timesheet can be imported",
			"Alleen een geaccordeerd urenbriefje kan worden geïmporteerd.")
	}
	return t.record(&Imported{Hash: t.hash, ImportBatch: importBatch}), nil
}
