package payroll

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"backoffice/domain"
	"backoffice/domain/account"
)

// A batch of ten thousand timesheets is decided without holding them: the
// command streams the candidates twice, in file order, from one snapshot of
// the backlog. The first pass (Consider) checks and counts them and Created
// decides the batch; the second (Takes) picks the same candidates again,
// and Chunk turns each run of at most MaxItemsPerEvent of them into the
// event that carries them. What the plan keeps is small: counts, the
// sources, the workers without a personnel number, the last key for the
// order check.

// BatchPlan is a batch being decided over streamed candidates. Use
// Exports.PlanBatch; its methods are called in the order Consider…,
// Created, (Takes, Chunk)…, Done.
type BatchPlan struct {
	x        *Exports
	nb       NewBatch
	includes []string
	mapped   map[string]bool // sources with a component in the package

	considered, taken, chunked int
	last                       *Item // the last candidate seen, for the order check
	sources                    map[string]bool
	unmapped                   map[string]bool
	missing                    map[string]string // worker → "Name (id)" without a personnel number

	created *BatchCreated
	resumed *BatchCreated // ResumeBatch: the batch the plan goes on with
	tail    *Item         // its last recorded item
	behind  int           // candidates a resumed batch takes before its tail
}

// FileOrder is the order of a batch's items: personnel number, week,
// placement (bytewise), as the command's query streams them.
func FileOrder(a, b Item) int {
	return cmp.Or(strings.Compare(a.PersonnelNumber, b.PersonnelNumber),
		strings.Compare(a.Week.String(), b.Week.String()), strings.Compare(a.Placement, b.Placement))
}

// PlanBatch starts deciding a new batch of the period: the actor's right,
// the client's period kind, no open batch of the period (batch_open) and
// none of the client's batches still being built (batch_building, 409:
// its items are not all claimed yet).
func (x *Exports) PlanBatch(actor domain.Actor, nb NewBatch) (*BatchPlan, error) {
	if !CanExport(actor) {
		return nil, account.Forbidden
	}
	if nb.Settings.Period != nb.Period.Kind {
		return nil, domain.Rule("period_kind_mismatch", "period",
			fmt.Sprintf("the client's payroll period is %s", nb.Settings.Period),
			fmt.Sprintf("De verloningsperiode van deze opdrachtgever is %s.", nb.Settings.Period))
	}
	p := newPlan(x, nb)
	for _, b := range x.batches {
		if b.Building() {
			return nil, errBuilding(b.Created.BatchID)
		}
		if b.Created.Period != nb.Period {
			continue
		}
		switch b.Status {
		case StatusOpen:
			return nil, domain.Conflict("batch_open",
				fmt.Sprintf("batch %s of this period is still open: confirm or cancel it first", b.Created.BatchID),
				fmt.Sprintf("Exportbatch %s van deze periode staat nog open: bevestig of annuleer die eerst.", b.Created.BatchID))
		case StatusConfirmed:
			p.includes = append(p.includes, b.Created.BatchID)
		}
	}
	return p, nil
}

func newPlan(x *Exports, nb NewBatch) *BatchPlan {
	p := &BatchPlan{x: x, nb: nb, mapped: map[string]bool{}, sources: map[string]bool{},
		unmapped: map[string]bool{}, missing: map[string]string{}}
	for _, m := range nb.Mapping {
		if m.Component(nb.Settings.Package) != "" {
			p.mapped[string(m.Kind)+":"+m.Code] = true
		}
	}
	return p
}

// ResumeBatch goes on with a batch whose making stopped between its
// chunks (a crash): the same two passes over the backlog, with the
// batch's own settings, mapping and period, for the items not recorded
// yet. Consider… then Resume instead of Created, then (Takes, Chunk)…,
// Done. The recorded items are claimed by the batch, so the passes skip
// them.
func (x *Exports) ResumeBatch(actor domain.Actor, batchID string) (*BatchPlan, error) {
	if !CanExport(actor) {
		return nil, account.Forbidden
	}
	b, ok := x.byID[batchID]
	if !ok || !b.Building() || b != x.last {
		return nil, errPlan("resume of " + batchID + ", which is not the batch being made")
	}
	created := b.Created
	p := newPlan(x, NewBatch{ClientID: created.ClientID, Period: created.Period, Settings: created.Settings, Mapping: created.Mapping})
	p.resumed, p.chunked = &created, b.Added
	if b.tail != nil {
		tail := *b.tail
		p.tail = &tail
	}
	return p, nil
}

// Resume decides, after the first pass of a resumed batch, whether the
// candidates left are exactly what the batch still lacks: as many as it
// still counts, after its recorded items in file order, each with a
// personnel number and only of the batch's sources (the items recorded
// and those added are then in file order, as if made in one go). Otherwise the
// backlog changed since the batch was decided (batch_stale): it cannot
// be finished and is to be made again.
func (p *BatchPlan) Resume() (*BatchCreated, error) {
	if p.resumed == nil || p.created != nil {
		return nil, errPlan("resume of a batch not resumed")
	}
	want := p.resumed.Items - p.chunked
	stale := p.considered != want || p.behind > 0 || len(p.missing) > 0 || len(p.unmapped) > 0
	for s := range p.sources {
		stale = stale || !slices.Contains(p.resumed.Sources, s)
	}
	if stale {
		return nil, domain.Conflict("batch_stale",
			fmt.Sprintf("batch %s cannot be finished: %d timesheets left where it lacks %d", p.resumed.BatchID, p.considered, want),
			fmt.Sprintf("Exportbatch %s kan niet worden afgemaakt: de urenbriefjes zijn intussen veranderd.", p.resumed.BatchID))
	}
	p.created = p.resumed
	return p.created, nil
}

// Takes reports whether the batch takes the candidate: in the period and
// in no open or confirmed batch with its round or a later one.
func (p *BatchPlan) Takes(it Item) bool {
	_, claimed := p.x.Claimed(it.Key(), it.Round)
	return !claimed && p.nb.Period.Contains(it.Week)
}

// Consider checks and counts one candidate (first pass). Candidates come
// in FileOrder, each timesheet once; anything else is an internal error
// (the query and the decision disagree).
func (p *BatchPlan) Consider(it Item) error {
	if p.created != nil {
		return errPlan("a candidate after the decision")
	}
	if p.last != nil && FileOrder(*p.last, it) >= 0 {
		return errPlan(fmt.Sprintf("candidates out of file order at %s", it.Key()))
	}
	last := Item{PersonnelNumber: it.PersonnelNumber, Week: it.Week, Placement: it.Placement}
	p.last = &last
	if !p.Takes(it) {
		return nil
	}
	if err := checkItems([]Item{it}); err != nil {
		return err
	}
	p.considered++
	if p.tail != nil && FileOrder(*p.tail, it) >= 0 {
		p.behind++
	}
	if it.PersonnelNumber == "" {
		p.missing[it.WorkerID] = fmt.Sprintf("%s (%s)", it.Name, it.WorkerID)
	}
	for _, q := range it.Quantities() {
		k := string(q.Kind) + ":" + q.Code
		p.sources[k] = true
		if !p.mapped[k] {
			p.unmapped[k] = true
		}
	}
	return nil
}

// Created decides the batch after the first pass: nothing to export
// (409), workers without a personnel number (all named), quantities
// without a component in the client's package.
func (p *BatchPlan) Created() (*BatchCreated, error) {
	if p.considered == 0 {
		return nil, domain.Conflict("nothing_to_export",
			"there are no approved timesheets of this client and period left to export",
			"Er zijn geen geaccordeerde urenbriefjes van deze opdrachtgever en periode meer om te exporteren.")
	}
	if len(p.missing) > 0 {
		list := strings.Join(slices.Sorted(mapValues(p.missing)), ", ")
		return nil, domain.Rule("personnel_number_missing", "workers",
			fmt.Sprintf("these workers have no personnel number in administration %s: %s", p.nb.Settings.Administration, list),
			fmt.Sprintf("Deze werknemers hebben geen personeelsnummer in administratie %s: %s", p.nb.Settings.Administration, list))
	}
	if len(p.unmapped) > 0 {
		list := strings.Join(slices.Sorted(mapKeys(p.unmapped)), ", ")
		return nil, domain.Rule("mapping_incomplete", "mapping",
			fmt.Sprintf("no %s component is mapped for: %s", p.nb.Settings.Package, list),
			fmt.Sprintf("Geen %s-looncomponent gekoppeld voor: %s", p.nb.Settings.Package, list))
	}
	p.created = &BatchCreated{
		BatchID:  BatchID(p.nb.ClientID, p.nb.Period, len(p.x.batches)+1),
		ClientID: p.nb.ClientID, Period: p.nb.Period, Settings: p.nb.Settings,
		Mapping: slices.Clone(p.nb.Mapping), Items: p.considered, Includes: p.includes,
		Sources: slices.Sorted(mapKeys(p.sources)),
	}
	if err := p.x.Apply(p.created); err != nil {
		return nil, err
	}
	return p.created, nil
}

// Chunk records the next run of taken candidates (second pass, at most
// MaxItemsPerEvent, in file order) as the event that carries them. More
// items than the first pass counted is an internal error: the two passes
// did not read the same backlog.
func (p *BatchPlan) Chunk(items []Item) (*BatchItemsAdded, error) {
	if p.created == nil {
		return nil, errPlan("items before the decision")
	}
	if len(items) == 0 || len(items) > MaxItemsPerEvent || p.chunked+len(items) > p.created.Items {
		return nil, errPlan(fmt.Sprintf("a chunk of %d items after %d of %d", len(items), p.chunked, p.created.Items))
	}
	e := &BatchItemsAdded{BatchID: p.created.BatchID, Items: items}
	if err := p.x.Apply(e); err != nil {
		return nil, err
	}
	p.chunked += len(items)
	return e, nil
}

// Done checks that the second pass gave exactly the items decided.
func (p *BatchPlan) Done() error {
	if p.created == nil || p.chunked != p.created.Items {
		return errPlan(fmt.Sprintf("%d items of %d", p.chunked, p.considered))
	}
	return nil
}

func errPlan(what string) error {
	return &domain.Error{Kind: domain.KindInternal, Code: "batch_plan",
		Message: "payroll: batch plan: " + what, MessageNL: "Er ging iets mis."}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func mapValues(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// Chunked is the number of items recorded so far.
func (p *BatchPlan) Chunked() int { return p.chunked }
