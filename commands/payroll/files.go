package payroll

import (
	"context"
	"io"

	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
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
	x, _, err := h.loadExports(ctx, clientID)
	if err != nil {
		return BatchView{}, err
	}
	b, ok := x.Batch(batchID)
	if !ok {
		return BatchView{}, errNotFound
	}
	v := BatchView{BatchID: batchID, ClientID: clientID, Period: b.Created.Period.String(), Status: b.Status,
		Items: b.Created.Items, Includes: b.Created.Includes, Package: b.Created.Settings.Package}
	for _, f := range payrollfile.Formats {
		v.Files = append(v.Files, string(f))
	}
	return v, nil
}

// WriteFile writes a batch's file in format f to w, from the ledger alone:
// the batch's events and, for Loket, those of the confirmed batches it
// includes. Replaying gives the same bytes. check runs after every check
// and before the first byte (e.g. to send headers); it may be nil.
func (h *Handler) WriteFile(ctx context.Context, actor domain.Actor, batchID string, f payrollfile.Format, w io.Writer, check func() error) error {
	if !pay.CanExport(actor) {
		return errNoSuchEndpoint
	}
	clientID, ok := pay.ParseBatchID(batchID)
	if !ok {
		return errNotFound
	}
	x, _, err := h.loadExports(ctx, clientID, batchID)
	if err != nil {
		return err
	}
	b, ok := x.Batch(batchID)
	if !ok {
		return errNotFound
	}
	src := payrollfile.Source{Batch: b}
	if f == payrollfile.Loket && len(b.Created.Includes) > 0 {
		keep := append([]string{batchID}, b.Created.Includes...)
		if x, _, err = h.loadExports(ctx, clientID, keep...); err != nil {
			return err
		}
		src.Batch, _ = x.Batch(batchID)
		for _, id := range b.Created.Includes {
			inc, _ := x.Batch(id)
			src.Included = append(src.Included, inc)
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
	return payrollfile.Write(w, f, src)
}
