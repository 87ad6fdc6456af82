package payroll

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"backoffice/domain"
	"backoffice/domain/account"
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
	Keys    []string // the timesheets, in file order
	// Items are filled only for the batch the Exports value was made to
	// keep (NewExports); the others keep their keys only.
	Items []Item
}

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
		b := &Batch{Created: *e, Status: StatusOpen}
		x.batches = append(x.batches, b)
		x.byID[e.BatchID] = b
		x.last = b
	case *BatchItemsAdded:
		b := x.byID[e.BatchID]
		if b == nil || b != x.last {
			return fmt.Errorf("payroll: items of batch %s out of place", e.BatchID)
		}
		for _, it := range e.Items {
			k := it.Key()
			b.Keys = append(b.Keys, k)
			x.claims[k] = append(x.claims[k], claim{batch: b.Created.BatchID, round: it.Round})
		}
		if x.keep[e.BatchID] {
			b.Items = append(b.Items, e.Items...)
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
// open or confirmed batch. One batch per client and period is open at a
// time (batch_open, 409): Loket takes totals per period, so a new batch
// includes the confirmed ones of its period and must know them all. The
// candidates are the approved, not yet imported timesheets of the
// client, read by the command. It refuses when nothing is left
// (nothing_to_export, 409), when a worker has no personnel number (naming
// them) and when the mapping lacks a component of the client's package
// for a quantity. Items go into the file in personnel number, week and
// placement order.
func (x *Exports) CreateBatch(actor domain.Actor, nb NewBatch, candidates []Item) ([]domain.Event, error) {
	if !CanExport(actor) {
		return nil, account.Forbidden
	}
	if nb.Settings.Period != nb.Period.Kind {
		return nil, domain.Rule("period_kind_mismatch", "period",
			fmt.Sprintf("the client's payroll period is %s", nb.Settings.Period),
			fmt.Sprintf("De verloningsperiode van deze opdrachtgever is %s.", nb.Settings.Period))
	}
	var includes []string
	for _, b := range x.batches {
		if b.Created.Period != nb.Period {
			continue
		}
		switch b.Status {
		case StatusOpen:
			return nil, domain.Conflict("batch_open",
				fmt.Sprintf("batch %s of this period is still open: confirm or cancel it first", b.Created.BatchID),
				fmt.Sprintf("Exportbatch %s van deze periode staat nog open: bevestig of annuleer die eerst.", b.Created.BatchID))
		case StatusConfirmed:
			includes = append(includes, b.Created.BatchID)
		}
	}
	var items []Item
	seen := map[string]bool{}
	for _, it := range candidates {
		k := it.Key()
		if _, claimed := x.Claimed(k, it.Round); claimed || seen[k] || !nb.Period.Contains(it.Week) {
			continue
		}
		seen[k] = true
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, domain.Conflict("nothing_to_export",
			"there are no approved timesheets of this client and period left to export",
			"Er zijn geen geaccordeerde urenbriefjes van deze opdrachtgever en periode meer om te exporteren.")
	}
	if err := checkItems(items); err != nil {
		return nil, err
	}
	if err := checkPersonnelNumbers(items, nb.Settings.Administration); err != nil {
		return nil, err
	}
	if err := checkMapping(items, nb.Mapping, nb.Settings.Package); err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b Item) int {
		if c := strings.Compare(a.PersonnelNumber, b.PersonnelNumber); c != 0 {
			return c
		}
		if c := strings.Compare(a.Week.String(), b.Week.String()); c != 0 {
			return c
		}
		return strings.Compare(a.Placement, b.Placement)
	})
	created := &BatchCreated{
		BatchID:  BatchID(nb.ClientID, nb.Period, len(x.batches)+1),
		ClientID: nb.ClientID, Period: nb.Period, Settings: nb.Settings,
		Mapping: slices.Clone(nb.Mapping), Items: len(items), Includes: includes, Sources: sources(items),
	}
	events := []domain.Event{created}
	for chunk := range slices.Chunk(items, MaxItemsPerEvent) {
		events = append(events, &BatchItemsAdded{BatchID: created.BatchID, Items: chunk})
	}
	for _, e := range events {
		if err := x.Apply(e); err != nil {
			return nil, err
		}
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
				if m < -ts24h || m > ts24h {
					return &domain.Error{Kind: domain.KindInternal, Code: "bad_item",
						Message: "payroll: minutes out of range in " + it.Key(), MessageNL: "Er ging iets mis."}
				}
			}
		}
	}
	return nil
}

const ts24h = 24 * 60

// checkPersonnelNumbers refuses workers without a personnel number in the
// administration, naming every one of them.
func checkPersonnelNumbers(items []Item, administration string) error {
	var missing []string
	named := map[string]bool{}
	for _, it := range items {
		if it.PersonnelNumber == "" && !named[it.WorkerID] {
			named[it.WorkerID] = true
			missing = append(missing, fmt.Sprintf("%s (%s)", it.Name, it.WorkerID))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	list := strings.Join(missing, ", ")
	return domain.Rule("personnel_number_missing", "workers",
		fmt.Sprintf("these workers have no personnel number in administration %s: %s", administration, list),
		fmt.Sprintf("Deze werknemers hebben geen personeelsnummer in administratie %s: %s", administration, list))
}

// sources lists the sources the items have quantities of, sorted.
func sources(items []Item) []string {
	set := map[string]bool{}
	for _, it := range items {
		for _, q := range it.Quantities() {
			set[string(q.Kind)+":"+q.Code] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkMapping refuses quantities without a component in the target.
func checkMapping(items []Item, mapping []Mapping, target Target) error {
	have := map[string]bool{}
	for _, m := range mapping {
		if m.Component(target) != "" {
			have[string(m.Kind)+":"+m.Code] = true
		}
	}
	missing := map[string]bool{}
	for _, it := range items {
		for _, q := range it.Quantities() {
			if k := string(q.Kind) + ":" + q.Code; !have[k] {
				missing[k] = true
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	list := strings.Join(slices.Sorted(func(yield func(string) bool) {
		for k := range missing {
			if !yield(k) {
				return
			}
		}
	}), ", ")
	return domain.Rule("mapping_incomplete", "mapping",
		fmt.Sprintf("no %s component is mapped for: %s", target, list),
		fmt.Sprintf("Geen %s-looncomponent gekoppeld voor: %s", target, list))
}

// Confirm records that payroll imported the batch. A confirmed batch
// confirms again without a new event (the command then repeats the import
// marks, so a confirmation interrupted halfway is finished by a retry); a
// cancelled batch cannot be confirmed.
func (x *Exports) Confirm(actor domain.Actor, batchID string) ([]domain.Event, error) {
	if !CanExport(actor) {
		return nil, account.Forbidden
	}
	b, ok := x.byID[batchID]
	if !ok {
		return nil, domain.ErrNotFound
	}
	switch b.Status {
	case StatusConfirmed:
		return nil, nil
	case StatusCancelled:
		return nil, domain.Conflict("batch_cancelled", "the batch was cancelled", "De exportbatch is geannuleerd.")
	}
	e := &BatchConfirmed{BatchID: batchID}
	return []domain.Event{e}, x.Apply(e)
}

// Cancel withdraws an open batch; its timesheets return to the backlog. A
// confirmed batch is final (batch_confirmed, 409); cancelling twice
// records nothing.
func (x *Exports) Cancel(actor domain.Actor, batchID, reason string) ([]domain.Event, error) {
	if !CanExport(actor) {
		return nil, account.Forbidden
	}
	b, ok := x.byID[batchID]
	if !ok {
		return nil, domain.ErrNotFound
	}
	switch b.Status {
	case StatusCancelled:
		return nil, nil
	case StatusConfirmed:
		return nil, domain.Conflict("batch_confirmed", "the batch was confirmed and is final",
			"De exportbatch is bevestigd en definitief.")
	}
	reason, err := validate.OptionalText("reason", reason, 1000)
	if err != nil {
		return nil, err
	}
	e := &BatchCancelled{BatchID: batchID, Reason: reason}
	return []domain.Event{e}, x.Apply(e)
}
