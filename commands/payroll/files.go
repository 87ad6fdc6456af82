package payroll

import (
	"context"
	"fmt"
	"io"
	"time"

	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	"backoffice/eventstore"
)

// BatchView is a batch as the API shows it.
type BatchView struct {
	BatchID  string          `json:"batch_id"`
	ClientID string          `json:"client_id"`
	Period   string          `json:"period"`
	Status   pay.BatchStatus `json:"status"`
	Items    int             `json:"items"`
	Includes []string        `json:"includes,omitempty"`
	Package  pay.Target      `json:"package"`
	Files    []string        `json:"files"`
	// Created, Confirmed and Cancelled say who did it and when, from the
	// events' metadata.
	Created   Stamp  `json:"created"`
	Confirmed *Stamp `json:"confirmed,omitempty"`
	Cancelled *Stamp `json:"cancelled,omitempty"`
	// CancelReason is the reason given at cancellation, if any.
	CancelReason string `json:"cancel_reason,omitempty"`
	// Added is the number of items recorded so far: a batch is appended
	// in chunks, and while Added < Items (building) it has no files and
	// cannot be confirmed; one whose making stopped can be cancelled.
	Added    int  `json:"added"`
	Building bool `json:"building,omitempty"`
}

// Stamp is who recorded a batch event and when.
type Stamp struct {
	At        time.Time `json:"at"`
	ActorID   string    `json:"actor_id"`
	ActorRole string    `json:"actor_role"`
}

func stampOf(rec eventstore.RecordedEvent) Stamp {
	return Stamp{At: rec.Metadata.OccurredAt.UTC(), ActorID: rec.Metadata.ActorID, ActorRole: rec.Metadata.ActorRole}
}

// Batch returns a batch's summary (payroll and back office).
func (h *Handler) Batch(ctx context.Context, actor domain.Actor, batchID string) (BatchView, error) {
	if !pay.CanExport(actor) {
		return BatchView{}, errNoSuchEndpoint
	}
	clientID, ok := pay.ParseBatchID(batchID)
	if !ok {
		return BatchView{}, errNotFound
	}
	refs, err := h.scanBatches(ctx, clientID)
	if err != nil {
		return BatchView{}, err
	}
	r, ok := refs[batchID]
	if !ok {
		return BatchView{}, errNotFound
	}
	v := r.view()
	for _, f := range payrollfile.Formats {
		v.Files = append(v.Files, string(f))
	}
	return v, nil
}

// WriteFile writes a batch's file in format f to w, from the ledger alone:
// the batch's events and, for Loket, those of the confirmed batches it
// includes. Replaying gives the same bytes. The items are read one event
// (at most pay.MaxItemsPerEvent items) at a time, so memory stays flat
// however large the batch. check runs after every check and before the
// first byte (e.g. to send headers); it may be nil.
func (h *Handler) WriteFile(ctx context.Context, actor domain.Actor, batchID string, f payrollfile.Format, w io.Writer, check func() error) error {
	if !pay.CanExport(actor) {
		return errNoSuchEndpoint
	}
	clientID, ok := pay.ParseBatchID(batchID)
	if !ok {
		return errNotFound
	}
	refs, err := h.scanBatches(ctx, clientID)
	if err != nil {
		return err
	}
	ref, ok := refs[batchID]
	if !ok {
		return errNotFound
	}
	if ref.added < ref.created.Items {
		if ref.status == pay.StatusCancelled {
			return errIncomplete(batchID)
		}
		return errBuilding(batchID)
	}
	stream := pay.ExportsStream(clientID)
	src := payrollfile.Source{Created: ref.created, Items: h.batchItems(ctx, stream, ref)}
	if f == payrollfile.Loket && len(ref.created.Includes) > 0 {
		var inc []*batchRef
		for _, id := range ref.created.Includes {
			r, ok := refs[id]
			if !ok {
				return fmt.Errorf("commands/payroll: batch %s includes unknown batch %s", batchID, id)
			}
			inc = append(inc, r)
		}
		src.Included = func(fn func(pay.Item) error) error {
			for _, r := range inc {
				if err := h.batchItems(ctx, stream, r)(fn); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if err := payrollfile.Check(f, src); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	return payrollfile.WriteChecked(w, f, src)
}

// batchRef is a batch found by scanBatches: its created event and where
// its items are.
type batchRef struct {
	created  pay.BatchCreated
	revision uint64 // of the created event; the item events follow it
	status   pay.BatchStatus
	// who and when
	createdBy             Stamp
	confirmedBy, cancelBy *Stamp
	reason                string
	added                 int // items recorded so far
}

// scanPage is the number of events read at once while scanning an exports
// stream: item events are large (up to MaxItemsPerEvent items).
const scanPage = 16

// scanBatches reads the client's exports stream (see walkExports) and
// returns its batches by ID, with who made, confirmed or cancelled them
// and how many of their items are recorded.
func (h *Handler) scanBatches(ctx context.Context, clientID string) (map[string]*batchRef, error) {
	refs := map[string]*batchRef{}
	_, err := h.walkExports(ctx, clientID, false, func(rec eventstore.RecordedEvent, ev domain.Event) error {
		switch e := ev.(type) {
		case *pay.BatchCreated:
			refs[e.BatchID] = &batchRef{created: *e, revision: rec.Revision, status: pay.StatusOpen, createdBy: stampOf(rec)}
		case *itemsCounted:
			if r := refs[e.BatchID]; r != nil {
				r.added += e.N
			}
		case *pay.BatchConfirmed:
			if r := refs[e.BatchID]; r != nil {
				st := stampOf(rec)
				r.status, r.confirmedBy = pay.StatusConfirmed, &st
			}
		case *pay.BatchCancelled:
			if r := refs[e.BatchID]; r != nil {
				st := stampOf(rec)
				r.status, r.cancelBy, r.reason = pay.StatusCancelled, &st, e.Reason
			}
		}
		return nil
	})
	return refs, err
}

// items_ reads a batch's items from the item events right after its
// created event, one event at a time.
func (h *Handler) batchItems(ctx context.Context, stream string, ref *batchRef) payrollfile.Items {
	return func(fn func(pay.Item) error) error {
		seen := 0
		for rev := ref.revision + 1; seen < ref.created.Items; rev++ {
			recs, err := h.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: rev, Max: 1})
			if err != nil {
				return fmt.Errorf("commands/payroll: read %s revision %d: %w", stream, rev, err)
			}
			if len(recs) != 1 || recs[0].Type != pay.TypeBatchItemsAdded {
				return fmt.Errorf("commands/payroll: %s: items of batch %s missing at revision %d", stream, ref.created.BatchID, rev)
			}
			ev, err := pay.Events.Decode(recs[0].Type, recs[0].Data)
			if err != nil {
				return fmt.Errorf("commands/payroll: %s revision %d: %w", stream, rev, err)
			}
			chunk := ev.(*pay.BatchItemsAdded)
			if chunk.BatchID != ref.created.BatchID {
				return fmt.Errorf("commands/payroll: %s revision %d: items of %s, want %s", stream, rev, chunk.BatchID, ref.created.BatchID)
			}
			for _, it := range chunk.Items {
				if err := fn(it); err != nil {
					return err
				}
			}
			seen += len(chunk.Items)
		}
		return nil
	}
}

func (r *batchRef) view() BatchView {
	c := r.created
	return BatchView{BatchID: c.BatchID, ClientID: c.ClientID, Period: c.Period.String(), Status: r.status,
		Items: c.Items, Includes: c.Includes, Package: c.Settings.Package,
		Created: r.createdBy, Confirmed: r.confirmedBy, Cancelled: r.cancelBy, CancelReason: r.reason,
		Added: r.added, Building: r.status == pay.StatusOpen && r.added < c.Items}
}

func errBuilding(batchID string) error {
	return domain.Conflict("batch_building",
		fmt.Sprintf("batch %s is still being made: its files follow when it is complete", batchID),
		fmt.Sprintf("Exportbatch %s wordt nog gemaakt: de bestanden volgen als hij klaar is.", batchID))
}

func errIncomplete(batchID string) error {
	return domain.Conflict("batch_incomplete",
		fmt.Sprintf("batch %s was cancelled before it was complete: it has no files", batchID),
		fmt.Sprintf("Exportbatch %s is geannuleerd voordat hij klaar was en heeft geen bestanden.", batchID))
}
