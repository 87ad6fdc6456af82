package portalwire

import (
	"context"
	"errors"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/http/portal"
	rm "backoffice/readmodel/documents"
)

// Documents adapts commands/document and readmodel/documents to
// portal.Documents.
type Documents struct {
	commands *cmd.Handler
	queries  *rm.Queries
}

var _ portal.Documents = (*Documents)(nil)

// NewDocuments returns the adapter; both dependencies are required.
func NewDocuments(c *cmd.Handler, q *rm.Queries) (*Documents, error) {
	if c == nil || q == nil {
		return nil, errors.New("portalwire: NewDocuments: commands and queries are required")
	}
	return &Documents{commands: c, queries: q}, nil
}

// List implements portal.Documents.
func (d *Documents) List(ctx context.Context, actor domain.Actor, kind string) ([]portal.DocumentRow, error) {
	rows, err := d.queries.List(ctx, actor, kind)
	if err != nil {
		return nil, err
	}
	out := make([]portal.DocumentRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, documentRowOf(r))
	}
	return out, nil
}

// Document implements portal.Documents.
func (d *Documents) Document(ctx context.Context, actor domain.Actor, id string) (portal.Document, error) {
	det, err := d.queries.Document(ctx, actor, id)
	if err != nil {
		return portal.Document{}, err
	}
	out := portal.Document{DocumentRow: documentRowOf(det.Row), SHA256: det.SHA256, CanSign: det.CanSign}
	if r := det.Request; r != nil {
		sr := &portal.SignatureRequest{RequestedAt: r.RequestedAt, SignerName: r.SignerName, Status: r.Status,
			Remark: r.Remark, Blocked: r.Blocked, Expired: r.Expired}
		if r.DecidedAt != nil {
			sr.DecidedAt = *r.DecidedAt
		}
		out.Request = sr
	}
	return out, nil
}

// File implements portal.Documents.
func (d *Documents) File(ctx context.Context, actor domain.Actor, id string) (portal.DocumentFile, error) {
	f, err := d.queries.File(ctx, actor, id)
	if err != nil {
		return portal.DocumentFile{}, err
	}
	return portal.DocumentFile{FileName: f.FileName, ContentType: f.ContentType, Content: f.Content}, nil
}

// Upload implements portal.Documents: a document for the actor's own
// company (the browser's content type is ignored; the server sniffs).
func (d *Documents) Upload(ctx context.Context, meta commands.Meta, in portal.DocumentUpload) (commands.Result, error) {
	res, _, err := d.commands.Upload(ctx, meta, cmd.Upload{Kind: doc.KindDocument, Category: doc.Category(in.Category),
		Title: in.Title, FileName: in.FileName, Content: in.Content})
	return res, err
}

// Sign implements portal.Documents.
func (d *Documents) Sign(ctx context.Context, meta commands.Meta, id string, in portal.Signature) (commands.Result, error) {
	return d.commands.Sign(ctx, meta, id, signatureOf(in))
}

// Decline implements portal.Documents.
func (d *Documents) Decline(ctx context.Context, meta commands.Meta, id string, in portal.Signature) (commands.Result, error) {
	return d.commands.Decline(ctx, meta, id, signatureOf(in))
}

func signatureOf(in portal.Signature) cmd.Signature {
	return cmd.Signature{TAN: in.TAN, Remark: in.Remark, ReadConfirmed: in.ReadConfirmed}
}

func documentRowOf(r rm.Row) portal.DocumentRow {
	row := portal.DocumentRow{ID: r.ID, Kind: r.Kind, Title: r.Title, FileName: r.FileName, ContentType: r.ContentType,
		Size: r.Size, ClientName: r.ClientName, WorkerName: r.WorkerName, Category: r.Category, Restricted: r.Restricted,
		UploadedAt: r.UploadedAt, UploadedBy: r.UploadedByRole, Signature: r.Signature}
	if r.Invoice != nil {
		row.Invoice = &portal.Invoice{Number: r.Invoice.Number, Date: r.Invoice.DateValue(), AmountCents: r.Invoice.AmountCents}
	}
	return row
}
