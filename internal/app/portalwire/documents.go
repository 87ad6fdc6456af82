package portalwire

import (
	"context"
	"errors"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/http/portal"
	rm "backoffice/readmodel/documents"
	rmid "backoffice/readmodel/identity"
)

// Documents adapts commands/document, readmodel/documents and (for the
// back office's choice of client and signer) readmodel/identity to
// portal.Documents.
type Documents struct {
	commands *cmd.Handler
	queries  *rm.Queries
	identity *rmid.Queries
}

var _ portal.Documents = (*Documents)(nil)

// NewDocuments returns the adapter; every dependency is required.
func NewDocuments(c *cmd.Handler, q *rm.Queries, ids *rmid.Queries) (*Documents, error) {
	if c == nil || q == nil || ids == nil {
		return nil, errors.New("portalwire: NewDocuments: commands, document queries and identity queries are required")
	}
	return &Documents{commands: c, queries: q, identity: ids}, nil
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
	out := portal.Document{DocumentRow: documentRowOf(det.Row), SHA256: det.SHA256, CanSign: det.CanSign,
		CanRequestSignature: canRequestSignature(actor, det)}
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

// canRequestSignature mirrors the domain's rules (document.RequestSignature)
// so the page offers the form only where the command would accept it; the
// command still decides.
func canRequestSignature(a domain.Actor, d rm.Detail) bool {
	if !account.IsStaff(a) || doc.Kind(d.Kind) != doc.KindDocument || doc.Category(d.Category) == doc.CategoryIDCopy {
		return false
	}
	r := d.Request
	switch {
	case r == nil:
		return true
	case r.Status == string(doc.RequestSigned):
		return false
	case r.Status == string(doc.RequestOpen):
		return r.Expired || r.Blocked
	}
	return true // declined
}

// Upload implements portal.Documents: a client user's document for their
// own company, or the back office's document or invoice for the client it
// names (the command decides who may do what; the browser's content type
// is ignored, the server sniffs).
func (d *Documents) Upload(ctx context.Context, meta commands.Meta, in portal.DocumentUpload) (commands.Result, error) {
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

// Clients implements portal.Documents: every client for the back office,
// nobody else chooses one.
func (d *Documents) Clients(ctx context.Context, actor domain.Actor) ([]portal.ClientOption, error) {
	if !account.IsStaff(actor) {
		return []portal.ClientOption{}, nil
	}
	cs, err := d.identity.Clients(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := make([]portal.ClientOption, 0, len(cs))
	for _, c := range cs {
		out = append(out, portal.ClientOption{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

// Signers implements portal.Documents: the document in the actor's scope,
// then its client's users (a back-office-only query).
func (d *Documents) Signers(ctx context.Context, actor domain.Actor, documentID string) ([]portal.SignerOption, error) {
	det, err := d.queries.Document(ctx, actor, documentID)
	if err != nil {
		return nil, err
	}
	us, err := d.identity.ClientUsers(ctx, actor, det.ClientID)
	if err != nil {
		return nil, err
	}
	out := make([]portal.SignerOption, 0, len(us))
	for _, u := range us {
		out = append(out, portal.SignerOption{AccountID: u.AccountID, Name: u.Name, Email: u.Email})
	}
	return out, nil
}

// RequestSignature implements portal.Documents.
func (d *Documents) RequestSignature(ctx context.Context, meta commands.Meta, documentID, signerAccountID string) (commands.Result, error) {
	res, _, err := d.commands.RequestSignature(ctx, meta, documentID, signerAccountID)
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
