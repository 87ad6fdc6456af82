package portal

import (
	"context"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	rm "backoffice/readmodel/documents"
	rmid "backoffice/readmodel/identity"
)

// documentApp is documents and invoices (manual ch. 4) and signing (ch.
// 5): commands/document, readmodel/documents and (for the back office's
// choice of client and signer) readmodel/identity. Queries are scoped
// like every query; anything outside the actor's scope is
// domain.ErrNotFound.
type documentApp struct {
	commands *cmd.Handler
	queries  *rm.Queries
	identity *rmid.Queries
}

// List:
func (d *documentApp) List(ctx context.Context, actor domain.Actor, kind string) ([]DocumentRow, error) {
	rows, err := d.queries.List(ctx, actor, kind)
	if err != nil {
		return nil, err
	}
	out := make([]DocumentRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, documentRowOf(r))
	}
	return out, nil
}

// Document:
func (d *documentApp) Document(ctx context.Context, actor domain.Actor, id string) (Document, error) {
	det, err := d.queries.Document(ctx, actor, id)
	if err != nil {
		return Document{}, err
	}
	out := Document{DocumentRow: documentRowOf(det.Row), SHA256: det.SHA256, CanSign: det.CanSign,
		CanRequestSignature: det.SignatureRequestable(actor)}
	if r := det.Request; r != nil {
		sr := &SignatureRequest{RequestedAt: r.RequestedAt, SignerName: r.SignerName, Status: r.Status,
			Remark: r.Remark, Blocked: r.Blocked, Expired: r.Expired}
		if r.DecidedAt != nil {
			sr.DecidedAt = *r.DecidedAt
		}
		out.Request = sr
	}
	return out, nil
}

// File:
func (d *documentApp) File(ctx context.Context, actor domain.Actor, id string) (DocumentFile, error) {
	f, err := d.queries.File(ctx, actor, id)
	if err != nil {
		return DocumentFile{}, err
	}
	return DocumentFile{FileName: f.FileName, ContentType: f.ContentType, Content: f.Content}, nil
}

// Upload: a client user's document for their
// own company, or the back office's document or invoice for the client it
// names (the command decides who may do what; the browser's content type
// is ignored, the server sniffs).
func (d *documentApp) Upload(ctx context.Context, meta commands.Meta, in DocumentUpload) (commands.Result, error) {
	up := cmd.Upload{ClientID: in.ClientID, Kind: doc.Kind(in.Kind), Category: doc.Category(in.Category),
		Title: in.Title, FileName: in.FileName, Content: in.Content}
	if up.Kind == "" {
		up.Kind = doc.KindDocument
	}
	if in.Invoice != nil {
		up.Invoice = &doc.Invoice{Number: in.Invoice.Number, Date: in.Invoice.Date, AmountCents: in.Invoice.AmountCents}
	}
	res, _, err := d.commands.Upload(ctx, meta, up)
	return res, err
}

// Clients: every client for the back office,
// nobody else chooses one.
func (d *documentApp) Clients(ctx context.Context, actor domain.Actor) ([]ClientOption, error) {
	if !account.IsStaff(actor) {
		return []ClientOption{}, nil
	}
	cs, err := d.identity.Clients(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := make([]ClientOption, 0, len(cs))
	for _, c := range cs {
		out = append(out, ClientOption{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

// Signers: the document in the actor's scope,
// then its client's users (a back-office-only query).
func (d *documentApp) Signers(ctx context.Context, actor domain.Actor, documentID string) ([]SignerOption, error) {
	det, err := d.queries.Document(ctx, actor, documentID)
	if err != nil {
		return nil, err
	}
	us, err := d.identity.ClientUsers(ctx, actor, det.ClientID)
	if err != nil {
		return nil, err
	}
	out := make([]SignerOption, 0, len(us))
	for _, u := range us {
		out = append(out, SignerOption{AccountID: u.AccountID, Name: u.Name, Email: u.Email})
	}
	return out, nil
}

// RequestSignature:
func (d *documentApp) RequestSignature(ctx context.Context, meta commands.Meta, documentID, signerAccountID string) (commands.Result, error) {
	res, _, err := d.commands.RequestSignature(ctx, meta, documentID, signerAccountID)
	return res, err
}

// Sign:
func (d *documentApp) Sign(ctx context.Context, meta commands.Meta, id string, in Signature) (commands.Result, error) {
	return d.commands.Sign(ctx, meta, id, signatureOf(in))
}

// Decline:
func (d *documentApp) Decline(ctx context.Context, meta commands.Meta, id string, in Signature) (commands.Result, error) {
	return d.commands.Decline(ctx, meta, id, signatureOf(in))
}

func signatureOf(in Signature) cmd.Signature {
	return cmd.Signature{TAN: in.TAN, Remark: in.Remark, ReadConfirmed: in.ReadConfirmed}
}

func documentRowOf(r rm.Row) DocumentRow {
	row := DocumentRow{ID: r.ID, Kind: r.Kind, Title: r.Title, FileName: r.FileName, ContentType: r.ContentType,
		Size: r.Size, ClientName: r.ClientName, WorkerName: r.WorkerName, Category: r.Category, Restricted: r.Restricted,
		UploadedAt: r.UploadedAt, UploadedBy: r.UploadedByRole, Signature: r.Signature}
	if r.Invoice != nil {
		row.Invoice = &Invoice{Number: r.Invoice.Number, Date: r.Invoice.DateValue(), AmountCents: r.Invoice.AmountCents}
	}
	return row
}
