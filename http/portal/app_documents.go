package portal

import (
	"context"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	"backoffice/domain"
	doc "backoffice/domain/document"
	rm "backoffice/readmodel/documents"
	"backoffice/readmodel/documents/evidence"
	rmid "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
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
	evidence *evidence.Reader // nil: no "Bewijs van ondertekening"
}

// List: the newest paging.MaxLimit documents of kind.
func (d *documentApp) List(ctx context.Context, actor domain.Actor, kind string) ([]DocumentRow, error) {
	rows, _, err := d.ListPage(ctx, actor, kind, paging.Request{Limit: paging.MaxLimit})
	return rows, err
}

// ListPage: one page of the documents of kind, newest first, and the
// next page's cursor ("" on the last page).
func (d *documentApp) ListPage(ctx context.Context, actor domain.Actor, kind string, page paging.Request) ([]DocumentRow, string, error) {
	p, err := d.queries.ListPage(ctx, actor, kind, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]DocumentRow, 0, len(p.Items))
	for _, r := range p.Items {
		out = append(out, documentRowOf(r))
	}
	return out, p.NextCursor, nil
}

// Document:
func (d *documentApp) Document(ctx context.Context, actor domain.Actor, id string) (Document, error) {
	det, err := d.queries.Document(ctx, actor, id)
	if err != nil {
		return Document{}, err
	}
	out := Document{DocumentRow: documentRowOf(det.Row), SHA256: det.SHA256, CanSign: det.CanSign,
		CanRequestSignature: det.SignatureRequestable(actor),
		CanAddVersion:       det.Kind == DocumentKindDocument && canUpload(actor)}
	for _, v := range det.Versions {
		out.Versions = append(out.Versions, DocumentVersion{N: v.Version, FileName: v.FileName, Size: v.Size, AddedAt: v.AddedAt,
			AddedBy: v.AddedByRole, SHA256: v.SHA256, Restricted: det.Restricted})
	}
	if r := det.Request; r != nil {
		sr := &SignatureRequest{RequestedAt: r.RequestedAt, SignerName: r.SignerName, Status: r.Status,
			Remark: r.Remark, Blocked: r.Blocked, Expired: r.Expired, Version: r.Version,
			TANChannel: r.TANChannel, TANAddress: r.TANAddress}
		out.HasEvidence = d.evidence != nil && (r.Status == SignatureSigned || r.Status == SignatureDeclined)
		if r.DecidedAt != nil {
			sr.DecidedAt = *r.DecidedAt
		}
		out.Request = sr
	}
	return out, nil
}

// File: the current version (0) or version n.
func (d *documentApp) File(ctx context.Context, actor domain.Actor, id string, version int) (DocumentFile, error) {
	f, err := d.queries.FileVersion(ctx, actor, id, version)
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
	up := cmd.Upload{ClientID: in.ClientID, WorkerID: in.WorkerID, Kind: doc.Kind(in.Kind), Category: doc.Category(in.Category),
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
	return clientOptions(ctx, d.identity, actor)
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
	return cmd.Signature{TAN: in.TAN, Remark: in.Remark, ReadConfirmed: in.ReadConfirmed, ConsentLanguage: in.Lang,
		Client: doc.CleanClient(in.IP, in.UserAgent)}
}

// AddVersion: "een nieuwe versie aanbieden".
func (d *documentApp) AddVersion(ctx context.Context, meta commands.Meta, id, fileName string, content []byte) (commands.Result, error) {
	res, _, err := d.commands.AddVersion(ctx, meta, id, cmd.NewVersion{FileName: fileName, Content: content})
	return res, err
}

// OpenSigning records that the signer opened the signing screen.
func (d *documentApp) OpenSigning(ctx context.Context, meta commands.Meta, id, ip, userAgent string) error {
	_, err := d.commands.OpenSigning(ctx, meta, id, doc.CleanClient(ip, userAgent))
	return err
}

// Evidence is the "Bewijs van ondertekening" PDF (not found without it).
func (d *documentApp) Evidence(ctx context.Context, actor domain.Actor, id string, now time.Time) ([]byte, error) {
	if d.evidence == nil {
		return nil, domain.ErrNotFound
	}
	return d.evidence.PDF(ctx, actor, id, now)
}

// Workers are the workers a client user may link a document to: those
// placed at their company (the command checks the worker was registered
// by it). Nobody else chooses here.
func (d *documentApp) Workers(ctx context.Context, actor domain.Actor) ([]WorkerOption, error) {
	if actor.Role != domain.RoleClient || actor.ClientID == "" {
		return nil, nil
	}
	ps, err := d.identity.Placements(ctx, actor, rmid.PlacementFilter{ClientID: actor.ClientID})
	if err != nil {
		return nil, err
	}
	var out []WorkerOption
	seen := map[string]bool{}
	for _, p := range ps {
		if p.ClientID == actor.ClientID && !seen[p.WorkerID] {
			seen[p.WorkerID] = true
			out = append(out, WorkerOption{ID: p.WorkerID, Name: p.WorkerName})
		}
	}
	return out, nil
}

func documentRowOf(r rm.Row) DocumentRow {
	row := DocumentRow{ID: r.ID, Kind: r.Kind, Title: r.Title, FileName: r.FileName, ContentType: r.ContentType,
		Size: r.Size, ClientName: r.ClientName, WorkerName: r.WorkerName, Category: r.Category, Restricted: r.Restricted,
		UploadedAt: r.UploadedAt, UploadedBy: r.UploadedByRole, Signature: r.Signature, Version: r.Version}
	if r.Invoice != nil {
		row.Invoice = &Invoice{Number: r.Invoice.Number, Date: r.Invoice.DateValue(), AmountCents: r.Invoice.AmountCents}
	}
	return row
}
