package payroll

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"backoffice/domain"
	"backoffice/domain/account"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
)

// BatchStatus is a batch's state.
type BatchStatus string

const (
	StatusOpen      BatchStatus = "open"      // created, files downloadable, not yet imported
	StatusConfirmed BatchStatus = "confirmed" // imported by payroll: final
	StatusCancelled BatchStatus = "cancelled" // withdrawn; its timesheets are back in the backlog
)

// MaxItemsPerEvent caps the items of one BatchItemsAdded event, so no event
// grows without bound however large the batch.
const MaxItemsPerEvent = 1000

// Batch is one export batch as the ledger has it.
type Batch struct {
	Created BatchCreated
	Status  BatchStatus
	Keys    []string // the timesheets, in file order (none once cancelled)
	// Items are filled only for the batch the Exports value was made to
	// keep (NewExports); the others keep their keys only.
	Items []Item
	// Added counts the items recorded so far: a batch is made in several
	// appends (the command streams it), so until Added reaches
	// Created.Items it is still being built (or its building stopped).
	Added int
	// tail is the last recorded item's place in file order (personnel
	// number, week, placement): a resumed batch goes on after it.
	tail *Item
}

// Building reports whether the open batch's items are not all recorded
// yet: its files cannot be made and it cannot be confirmed; it can be
// cancelled.
func (b *Batch) Building() bool { return b.Status == StatusOpen && b.Added < b.Created.Items }

// Exports is a client's export batches. The zero value keeps no items;
// see NewExports.
type Exports struct {
	keep    map[string]bool
	batches []*Batch
	byID    map[string]*Batch
	claims  map[string][]claim // timesheet key → its items in open or confirmed batches
	last    *Batch             // the batch the next BatchItemsAdded belongs to
}

// claim is a timesheet's approval round in an open or confirmed batch.
type claim struct {
	batch string
	round int
}

// NewExports returns an empty Exports that keeps the items of the batches
// named (for their files) and of no others.
func NewExports(keep ...string) *Exports {
	x := &Exports{keep: map[string]bool{}}
	for _, k := range keep {
		x.keep[k] = true
	}
	return x
}

// Apply folds one event; an event of another aggregate is an error.
func (x *Exports) Apply(e domain.Event) error {
	if x.byID == nil {
		x.byID, x.claims = map[string]*Batch{}, map[string][]claim{}
	}
	switch e := e.(type) {
	case *BatchCreated:
		created := *e // copied: the event may be shared (commands' decoded-event cache)
		created.Mapping, created.Includes, created.Sources = slices.Clone(e.Mapping), slices.Clone(e.Includes), slices.Clone(e.Sources)
		b := &Batch{Created: created, Status: StatusOpen}
		x.batches = append(x.batches, b)
		x.byID[e.BatchID] = b
		x.last = b
	case *BatchItemsAdded:
		b := x.byID[e.BatchID]
		if b == nil || b != x.last {
			return fmt.Errorf("payroll: items of batch %s out of place", e.BatchID)
		}
		b.Added += len(e.Items)
		if n := len(e.Items); n > 0 {
			l := e.Items[n-1]
			b.tail = &Item{PersonnelNumber: l.PersonnelNumber, Week: l.Week, Placement: l.Placement}
		}
		for _, it := range e.Items {
			k := it.Key()
			b.Keys = append(b.Keys, k)
			x.claims[k] = append(x.claims[k], claim{batch: b.Created.BatchID, round: it.Round})
		}
		if x.keep[e.BatchID] {
			for _, it := range e.Items {
				b.Items = append(b.Items, it.cloned())
			}
		}
	case *BatchConfirmed:
		if b := x.byID[e.BatchID]; b != nil {
			b.Status = StatusConfirmed
		}
	case *BatchCancelled:
		if b := x.byID[e.BatchID]; b != nil {
			b.Status = StatusCancelled
			for _, k := range b.Keys {
				x.claims[k] = slices.DeleteFunc(x.claims[k], func(c claim) bool { return c.batch == b.Created.BatchID })
				if len(x.claims[k]) == 0 {
					delete(x.claims, k)
				}
			}
			// A cancelled batch claims nothing and is never confirmed:
			// its keys are not needed any more (a client's history of
			// cancelled batches would otherwise stay in every load).
			b.Keys, b.Items = nil, nil
		}
	default:
		return fmt.Errorf("payroll: exports: unexpected event %s", e.EventType())
	}
	return nil
}

// Batch returns a batch by ID.
func (x *Exports) Batch(id string) (*Batch, bool) {
	b, ok := x.byID[id]
	return b, ok
}

// Building reports whether a batch is being built (at most one is: no
// batch is planned meanwhile).
func (x *Exports) Building() bool { return x.last != nil && x.last.Building() }

// Batches lists the batches, oldest first.
func (x *Exports) Batches() []*Batch { return slices.Clone(x.batches) }

// Claimed reports whether a timesheet (Item.Key) is in an open or
// confirmed batch with its approval round round or a later one, and which.
// An earlier round in a batch does not claim it: a correction's new round
// is exported again.
func (x *Exports) Claimed(key string, round int) (string, bool) {
	for _, c := range x.claims[key] {
		if c.round >= round {
			return c.batch, true
		}
	}
	return "", false
}

// CanExport reports whether the actor may create, confirm or cancel export
// batches: the payroll integration and the back office.
func CanExport(a domain.Actor) bool { return a.Is(domain.RolePayroll, domain.RoleBackoffice) }

// NewBatch is what CreateBatch needs besides the candidates.
type NewBatch struct {
	ClientID string
	Period   Period
	Settings Settings
	Mapping  []Mapping // in force in the period
}

// CreateBatch opens a batch of the candidates in the period that are in no
// open or confirmed batch, deciding on them all at once (the candidates in
// memory; the command streams them through PlanBatch instead). One batch
// per client and period is open at a time (batch_open, 409): Loket takes
// totals per period, so a new batch includes the confirmed ones of its
// period and must know them all. The candidates are the approved, not yet
// imported timesheets of the client, read by the command. It refuses when
// nothing is left (nothing_to_export, 409), when a worker has no personnel
// number (naming them) and when the mapping lacks a component of the
// client's package for a quantity. Items go into the file in personnel
// number, week and placement order (FileOrder).
func (x *Exports) CreateBatch(actor domain.Actor, nb NewBatch, candidates []Item) ([]domain.Event, error) {
	plan, err := x.PlanBatch(actor, nb)
	if err != nil {
		return nil, err
	}
	cands := slices.Clone(candidates)
	slices.SortStableFunc(cands, FileOrder)
	for _, it := range slices.CompactFunc(cands, func(a, b Item) bool { return a.Key() == b.Key() }) {
		if err := plan.Consider(it); err != nil {
			return nil, err
		}
	}
	created, err := plan.Created()
	if err != nil {
		return nil, err
	}
	events := []domain.Event{created}
	var chunk []Item
	flush := func() error {
		e, err := plan.Chunk(chunk)
		if err != nil {
			return err
		}
		events, chunk = append(events, e), nil
		return nil
	}
	for _, it := range cands {
		if plan.Takes(it) {
			if chunk = append(chunk, it); len(chunk) == MaxItemsPerEvent {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(chunk) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := plan.Done(); err != nil {
		return nil, err
	}
	return events, nil
}

// checkItems refuses items no file could hold.
func checkItems(items []Item) error {
	for _, it := range items {
		if err := validate.ID("placement", it.Placement); err != nil {
			return err
		}
		if !it.Week.Valid() || it.Hash == "" || len(it.Hash) > 128 || !utf8.ValidString(it.Name) {
			return &domain.Error{Kind: domain.KindInternal, Code: "bad_item",
				Message: "payroll: an exported item is malformed: " + it.Key(), MessageNL: "Er ging iets mis."}
		}
		for _, l := range it.Lines {
			for _, m := range l.Minutes {
				if m < -maxDay || m > maxDay {
					return &domain.Error{Kind: domain.KindInternal, Code: "bad_item",
						Message: "payroll: minutes out of range in " + it.Key(), MessageNL: "Er ging iets mis."}
				}
			}
		}
	}
	return nil
}

// maxDay is the most one line's day can hold: 24 hours, plus the hour the
// autumn clock change adds (a 24-hour shift through that night lasts 25;
// payroll pays real hours). A correction's difference stays within it too.
const maxDay = int(ts.MaxBookedPerDay)

// Confirm records that payroll imported the batch. A confirmed batch
// confirms again without a new event (the command then repeats the import
// marks, so a confirmation interrupted halfway is finished by a retry); a
// cancelled batch cannot be confirmed.
func (x *Exports) Confirm(actor domain.Actor, batchID string) ([]domain.Event, error) {
	b, err := x.open(actor, batchID, StatusConfirmed)
	if b == nil {
		return nil, err
	}
	if b.Building() {
		return nil, errBuilding(batchID)
	}
	e := &BatchConfirmed{BatchID: batchID}
	return []domain.Event{e}, x.Apply(e)
}

// Cancel withdraws an open batch; its timesheets return to the backlog. A
// confirmed batch is final (batch_confirmed, 409); cancelling twice
// records nothing.
func (x *Exports) Cancel(actor domain.Actor, batchID, reason string) ([]domain.Event, error) {
	b, err := x.open(actor, batchID, StatusCancelled)
	if b == nil {
		return nil, err
	}
	reason, err = validate.OptionalText("reason", reason, 1000)
	if err != nil {
		return nil, err
	}
	e := &BatchCancelled{BatchID: batchID, Reason: reason}
	return []domain.Event{e}, x.Apply(e)
}

// open returns the open batch the actor confirms or cancels (end): payroll
// and the back office only, and the batch must exist. A batch that already
// has that end comes back nil without an error (a retry records nothing);
// one that has the other end is refused: both ends are final.
func (x *Exports) open(actor domain.Actor, batchID string, end BatchStatus) (*Batch, error) {
	if !CanExport(actor) {
		return nil, account.Forbidden
	}
	b, ok := x.byID[batchID]
	switch {
	case !ok:
		return nil, domain.ErrNotFound
	case b.Status == end:
		return nil, nil
	case b.Status == StatusCancelled:
		return nil, domain.Conflict("batch_cancelled", "the batch was cancelled", "De exportbatch is geannuleerd.")
	case b.Status == StatusConfirmed:
		return nil, domain.Conflict("batch_confirmed", "the batch was confirmed and is final",
			"De exportbatch is bevestigd en definitief.")
	}
	return b, nil
}

// errBuilding: the batch's items are not all recorded yet.
func errBuilding(batchID string) error {
	return domain.Conflict("batch_building",
		fmt.Sprintf("batch %s is still being made: wait until it is complete, or cancel it", batchID),
		fmt.Sprintf("Exportbatch %s wordt nog gemaakt: wacht tot hij klaar is, of annuleer hem.", batchID))
}

// cloned is it with its own copies of the slices and pointer it shares
// with the event it came from.
func (it Item) cloned() Item {
	it.Lines, it.Expenses = slices.Clone(it.Lines), slices.Clone(it.Expenses)
	if it.Correction != nil {
		c := *it.Correction
		it.Correction = &c
	}
	return it
}
