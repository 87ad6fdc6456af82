package payroll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"backoffice/commands"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// A client's exports stream holds every batch's items (events are
// forever, cancelled batches too): ten batches of ten thousand
// timesheets are 40 MB of JSON. The commands read it a few events at a
// time and decode an item event only as far as they need: the items'
// keys and rounds (the claims), never their content.

// lightItems is BatchItemsAdded decoded for its claims only.
type lightItems struct {
	BatchID string `json:"batch_id"`
	Items   []struct {
		Placement       string     `json:"placement"`
		Week            ts.ISOWeek `json:"week"`
		Round           int        `json:"round"`
		PersonnelNumber string     `json:"personnel_number"` // file order: where a resumed batch goes on
	} `json:"items"`
}

// countedItems is BatchItemsAdded decoded for its number of items only
// (zero-size elements: nothing allocated per item).
type countedItems struct {
	BatchID string     `json:"batch_id"`
	Items   []struct{} `json:"items"`
}

// itemsCounted stands for a BatchItemsAdded read for its count only.
type itemsCounted struct {
	BatchID string
	N       int
}

func (*itemsCounted) EventType() string { return pay.TypeBatchItemsAdded }

// walkExports reads the client's exports stream (scanPage events at a
// time), checks its hash chain and calls fn with each record and its
// event. An item event comes with only its items' placement, week and
// round (claims), or, without claims, as an *itemsCounted.
func (h *Handler) walkExports(ctx context.Context, clientID string, claims bool, fn func(eventstore.RecordedEvent, domain.Event) error) (commands.Stream, error) {
	st := commands.Stream{Name: pay.ExportsStream(clientID)}
	var (
		from  uint64
		chain eventstore.ChainVerifier
	)
	for {
		recs, err := h.store.ReadStream(ctx, st.Name, eventstore.ReadStreamOptions{From: from, Max: scanPage})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("commands/payroll: read %s: %w", st.Name, err)
		}
		for _, rec := range recs {
			// Commands check the chain of what they decide on; the
			// queries (batches, files) read as the old scan did.
			if claims {
				if err := chain.Check(rec); err != nil {
					return st, fmt.Errorf("commands/payroll: %s: %w", st.Name, err)
				}
			}
			var ev domain.Event
			if rec.Type == pay.TypeBatchItemsAdded && !claims {
				var c countedItems
				if err := json.Unmarshal(rec.Data, &c); err != nil {
					return st, fmt.Errorf("commands/payroll: %s revision %d: %w", st.Name, rec.Revision, err)
				}
				ev = &itemsCounted{BatchID: c.BatchID, N: len(c.Items)}
			} else if rec.Type == pay.TypeBatchItemsAdded {
				var l lightItems
				if err := json.Unmarshal(rec.Data, &l); err != nil {
					return st, fmt.Errorf("commands/payroll: %s revision %d: %w", st.Name, rec.Revision, err)
				}
				e := &pay.BatchItemsAdded{BatchID: l.BatchID, Items: make([]pay.Item, len(l.Items))}
				for i, it := range l.Items {
					e.Items[i] = pay.Item{Placement: it.Placement, Week: it.Week, Round: it.Round, PersonnelNumber: it.PersonnelNumber}
				}
				ev = e
			} else if ev, err = pay.Events.Decode(rec.Type, rec.Data); err != nil {
				return st, fmt.Errorf("commands/payroll: %s revision %d: %w", st.Name, rec.Revision, err)
			}
			if err := fn(rec, ev); err != nil {
				return st, err
			}
			from, st.Revision, st.Exists = rec.Revision+1, rec.Revision, true
		}
		if len(recs) < scanPage {
			return st, nil
		}
	}
}

// loadExports folds the client's exports stream into its batches and
// claims (items without content: see walkExports).
func (h *Handler) loadExports(ctx context.Context, clientID string) (*pay.Exports, commands.Stream, error) {
	x := pay.NewExports()
	st, err := h.walkExports(ctx, clientID, true, func(_ eventstore.RecordedEvent, ev domain.Event) error { return x.Apply(ev) })
	return x, st, err
}
