package timesheet

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
)

// TypeReopened is the stored name of Reopened.
//
// WARNING: stored with every event forever; never rename it.
const TypeReopened = "timesheet.reopened"

// Reopened returns an imported timesheet to the one who enters the hours
// for a correction (the ledger never edits history): it is editable again
// and goes through the approval chain in a new round; payroll's next export
// carries the difference against the imported content.
type Reopened struct {
	Round       int         `json:"round"`        // the round that was imported
	Reason      string      `json:"reason"`       // why it is corrected, shown to the one who enters
	By          domain.Role `json:"by"`           // the back office
	ReturnedTo  domain.Role `json:"returned_to"`  // who enters the hours
	ImportBatch string      `json:"import_batch"` // the batch the corrected content was imported in
	Hash        string      `json:"hash"`         // the content hash that was imported
}

func (*Reopened) EventType() string { return TypeReopened }

// Reopen (heropenen voor correctie) returns an imported timesheet, with a
// reason, to the one who enters the hours. Back office only.
func (t *Timesheet) Reopen(actor domain.Actor, reason string, now time.Time) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, forbidden("backoffice_only", "only the back office can reopen an imported timesheet",
			"Alleen de backoffice kan een geïmporteerd urenbriefje heropenen.")
	}
	if t.Status() != StatusImported {
		return nil, domain.Conflict("not_imported", "only an imported timesheet can be reopened for a correction",
			"Alleen een geïmporteerd urenbriefje kan voor een correctie worden heropend.")
	}
	reason, err := validate.MultiLine("reason", reason, MaxReasonLength)
	if err != nil {
		return nil, err
	}
	if reason == "" {
		return nil, domain.Invalid("reason_required", "reason", "give a reason for the correction", "Geef een reden voor de correctie.")
	}
	return t.record(&Reopened{Round: t.round, Reason: reason, By: actor.Role, ReturnedTo: t.enteredBy,
		ImportBatch: t.importBatch, Hash: t.hash}), nil
}

// applyReopened: editable again for the one who enters, with the reason
// shown as a rejection by the back office; the next offer is a new round.
func (t *Timesheet) applyReopened(e *Reopened) {
	t.status = StatusRejected
	t.rejection = &Rejection{Round: e.Round, Step: 0, Party: domain.RoleBackoffice, By: e.By, Reason: e.Reason}
	if t.importBatch != "" {
		t.pastBatches = append(t.pastBatches, t.importBatch)
	}
	t.importBatch = ""
}
