package payroll

import (
	"context"
	"errors"
	"fmt"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// Ledger reads approvals from the event store itself (not a read model), so
// an import report is checked against exactly what was approved, however far
// the feed projection lags.
type Ledger struct {
	store eventstore.Store
}

// NewLedger returns the ledger reader.
func NewLedger(store eventstore.Store) (*Ledger, error) {
	if store == nil {
		return nil, errors.New("payroll: NewLedger: nil store")
	}
	return &Ledger{store: store}, nil
}

// Approval is a timesheet's final approval as recorded in the ledger.
type Approval struct {
	Hash string // the approved content hash
	// ImportBatch is the batch of the recorded import ("" while not imported).
	ImportBatch string
}

const ledgerPage = 500

// Approval returns the approval of placementID's timesheet for week, and
// false when the timesheet does not exist or is not (yet) approved. Outside
// the payroll and back-office roles it is domain.ErrNotFound.
func (l *Ledger) Approval(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek) (Approval, bool, error) {
	if !CanRead(actor) {
		return Approval{}, false, domain.ErrNotFound
	}
	if !week.Valid() {
		return Approval{}, false, domain.Invalid("week_invalid", "week", "not an ISO week", "Geen geldige week.")
	}
	stream := ts.StreamName(placementID, week)
	var (
		a        Approval
		approved bool
		from     uint64
		chain    eventstore.ChainVerifier
	)
	for {
		evs, err := l.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: from, Max: ledgerPage})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return Approval{}, false, nil
		}
		if err != nil {
			return Approval{}, false, fmt.Errorf("payroll: unable to read %s: %w", stream, err)
		}
		for _, rec := range evs {
			// The import is checked against the approval as recorded: a
			// stream whose hash chain is broken was changed behind the
			// application's back and proves nothing (eventstore.ErrIntegrity).
			if err := chain.Check(rec); err != nil {
				return Approval{}, false, fmt.Errorf("payroll: %w", err)
			}
			from = rec.Revision + 1
			if rec.Type != ts.TypeApproved && rec.Type != ts.TypeImported && rec.Type != ts.TypeReopened {
				continue
			}
			ev, err := ts.Events.Decode(rec.Type, rec.Data)
			if err != nil {
				return Approval{}, false, fmt.Errorf("payroll: %s revision %d: %w", stream, rec.Revision, err)
			}
			switch e := ev.(type) {
			case *ts.Approved:
				a.Hash, approved = e.Hash, true
			case *ts.Imported:
				a.ImportBatch = e.ImportBatch
			case *ts.Reopened: // back for a correction: not approved until the next round is
				a, approved = Approval{}, false
			}
		}
		if len(evs) < ledgerPage {
			return a, approved, nil
		}
	}
}
