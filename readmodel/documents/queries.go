package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
	rmid "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
	"backoffice/readmodel/tenant"
)

// Projectors whose read models the queries read: wait for these before
// answering a query with a minimum position. Names come from the identity
// read model.
var ReadProjectors = []string{NameDocuments, rmid.ClientsProjector, rmid.WorkersProjector, rmid.AccountsProjector}

// Queries are the typed queries of the document screens. Each takes the
// actor and answers only within the actor's scope.
type Queries struct {
	pool   *pgxpool.Pool
	clock  func() time.Time
	stored Stored
}

// NewQueries returns the queries; clock decides whether a request has
// expired (time.Now when nil); stored reads the files and the TANs
// (commands/document.Stored).
func NewQueries(pool *pgxpool.Pool, clock func() time.Time, stored Stored) (*Queries, error) {
	if pool == nil || stored == nil {
		return nil, errors.New("documents: NewQueries needs a pool and the stored files and TANs (commands/document.Stored)")
	}
	if clock == nil {
		clock = time.Now
	}
	return &Queries{pool: pool, clock: clock, stored: stored}, nil
}

// Stored reads for the queries what commands/document keeps outside the
// events and alone reads (docs/architecture.md "Who owns which table"):
// the stored files and the TANs' wrong attempts. That package imports
// this one (a query cannot import the command layer), so the application
// hands its implementation in: commands/document.Stored. The SQL about
// its tables stays there.
type Stored interface {
	// File reads the file of version (0: the current one) of document id,
	// with the document's tenants and category and the version's name
	// and checksum from this read model, in one statement; found is
	// false when the document or the version does not exist.
	File(ctx context.Context, q RowQuerier, id string, version int) (f StoredFile, found bool, err error)
	// QueueTANBlocked queues in b the read of whether wrong TANs blocked
	// the TAN of request requestID, into *blocked when b is sent: it goes
	// in one round trip with the reads queued beside it.
	QueueTANBlocked(b *pgx.Batch, requestID string, blocked *bool)
}

// StoredFile is what Stored.File reads: who may read the file (the
// document's category and tenants), the version's file name and
// checksum, and the stored file (HasFile false: none is stored under that
// checksum).
type StoredFile struct {
	Category, ClientID, IntermediaryID, WorkerID string
	FileName, SHA256                             string
	HasFile                                      bool
	ContentType                                  string
	Content                                      []byte
}

// RowQuerier is a pool or a transaction (Stored.File).
type RowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Invoice is what an invoice adds.
type Invoice struct {
	Number      string    `json:"number"`
	Date        string    `json:"date"` // YYYY-MM-DD
	AmountCents int64     `json:"amount_cents"`
	date        time.Time // for adapters
}

// DateValue returns the invoice date as a time (midnight UTC).
func (i Invoice) DateValue() time.Time { return i.date }

// Row is one document in the list.
type Row struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Category    string `json:"category"`
	Title       string `json:"title"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	ClientID    string `json:"client_id"`
	ClientName  string `json:"client_name"`
	WorkerID    string `json:"worker_id,omitempty"`
	WorkerName  string `json:"worker_name,omitempty"`
	// Restricted: the actor sees the document but may not read its file
	// (an ID copy).
	Restricted     bool        `json:"restricted"`
	UploadedAt     time.Time   `json:"uploaded_at"`
	UploadedByRole domain.Role `json:"uploaded_by_role"`
	// Version is the current version (1: the upload); FileName, Size and
	// the file are the current version's.
	Version int `json:"version"`
	// Signature is "" (none, or the request expired), "requested",
	// "signed", "declined" or "superseded" (a new version was offered after
	// the request or its answer: the current version is not signed).
	Signature string   `json:"signature"`
	Invoice   *Invoice `json:"invoice,omitempty"`
}

// Request is the latest signature request of a document.
type Request struct {
	ID              string     `json:"id"`
	SignerAccountID string     `json:"signer_account_id"`
	SignerName      string     `json:"signer_name"`
	RequestedAt     time.Time  `json:"requested_at"`
	ExpiresAt       time.Time  `json:"expires_at"`
	Status          string     `json:"status"`  // requested, signed, declined, superseded
	Version         int        `json:"version"` // the version asked to sign
	SHA256          string     `json:"sha256"`  // its file
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
	Remark          string     `json:"remark,omitempty"`
	Expired         bool       `json:"expired"` // still requested, past ExpiresAt
	Blocked         bool       `json:"blocked"` // too many wrong TANs
	// TANChannel ("sms", "email") and TANAddress ("+31 6 ••• ••78"): where
	// the TAN went; for the signer and the back office only, "" before it
	// was sent.
	TANChannel string `json:"tan_channel,omitempty"`
	TANAddress string `json:"tan_address,omitempty"`
}

// Detail is one document with its latest request.
type Detail struct {
	Row
	SHA256  string   `json:"sha256"`
	Request *Request `json:"signature_request,omitempty"`
	// Versions are every version, newest first (only in the detail).
	Versions []Version `json:"versions,omitempty"`
	// CanSign: the request is open, not expired or blocked, and the actor
	// is its signer.
	CanSign bool `json:"can_sign"`
}

// Version is one version of a document's file.
type Version struct {
	Version     int         `json:"version"`
	FileName    string      `json:"file_name"`
	ContentType string      `json:"content_type"`
	Size        int64       `json:"size"`
	SHA256      string      `json:"sha256"`
	AddedAt     time.Time   `json:"added_at"`
	AddedByRole domain.Role `json:"added_by_role"`
}

// File is a document's content.
type File struct {
	FileName    string
	ContentType string
	Content     []byte
}

// docCols are the tenant columns of documents d, for tenant.Where with
// document.ScopeOf (who may see a document).
var docCols = tenant.Columns{Intermediary: "d.intermediary_id", Client: "d.client_id", Worker: "d.worker_id"}

const selectRow = `SELECT d.document_id, d.kind, d.category, d.title, d.file_name, d.content_type, d.size,
		d.client_id, coalesce(c.name, ''), d.intermediary_id, d.worker_id, coalesce(w.full_name, ''),
		d.uploaded_at, d.uploaded_by_role, d.invoice_number, d.invoice_date, d.amount_cents,
		d.sha256, d.request_id, d.signer_account_id,
		coalesce(CASE WHEN lower(c.contact_email) = a.email THEN c.contact_name END, ''), coalesce(a.email, ''),
		d.requested_at, d.expires_at, d.signature_status, d.decided_at, d.remark,
		d.version, coalesce(d.request_version, 0), d.request_sha256, d.tan_channel, d.tan_address
	FROM documents d
	LEFT JOIN clients c ON c.client_id = d.client_id
	LEFT JOIN workers w ON w.worker_id = d.worker_id AND d.worker_id <> ''
	LEFT JOIN accounts a ON a.account_id = d.signer_account_id AND d.signer_account_id <> ''`

func (q *Queries) scan(row pgx.Row, actor domain.Actor, now time.Time) (Detail, error) {
	var (
		d                      Detail
		intermediaryID         string
		role                   string
		number                 *string
		date                   *time.Time
		amount                 *int64
		reqID, signer, name    string
		signerEmail            string
		requestedAt, expiresAt *time.Time
		status, remark         string
		decidedAt              *time.Time
		reqVersion             int
		reqSHA                 string
		tanChannel, tanAddress string
	)
	err := row.Scan(&d.ID, &d.Kind, &d.Category, &d.Title, &d.FileName, &d.ContentType, &d.Size,
		&d.ClientID, &d.ClientName, &intermediaryID, &d.WorkerID, &d.WorkerName,
		&d.UploadedAt, &role, &number, &date, &amount,
		&d.SHA256, &reqID, &signer, &name, &signerEmail, &requestedAt, &expiresAt, &status, &decidedAt, &remark,
		&d.Version, &reqVersion, &reqSHA, &tanChannel, &tanAddress)
	if err != nil {
		return d, err
	}
	d.UploadedByRole = domain.Role(role)
	d.Restricted = !doc.CanReadFile(actor, doc.Category(d.Category), d.ClientID, intermediaryID, d.WorkerID)
	if number != nil && date != nil && amount != nil {
		d.Invoice = &Invoice{Number: *number, Date: date.Format(time.DateOnly), AmountCents: *amount, date: *date}
	}
	if reqID != "" {
		// The signer's name: the contact person's, else (another user of
		// the client) the login's address, which the auditor does not get.
		if name == "" && account.CanSeeEmail(actor) {
			name = signerEmail
		}
		r := &Request{ID: reqID, SignerAccountID: signer, SignerName: name, Status: status, DecidedAt: decidedAt,
			Remark: remark, Version: reqVersion, SHA256: reqSHA}
		if requestedAt != nil {
			r.RequestedAt = *requestedAt
		}
		if expiresAt != nil {
			r.ExpiresAt = *expiresAt
		}
		r.Expired = status == string(doc.RequestOpen) && !now.Before(r.ExpiresAt)
		if actor.Is(domain.RoleBackoffice, domain.RoleAuditor) || (actor.AccountID != "" && actor.AccountID == signer) {
			r.TANChannel, r.TANAddress = tanChannel, tanAddress
		}
		d.Request = r
		d.Signature = status
		if r.Expired {
			d.Signature = ""
		}
		if reqVersion < d.Version {
			d.Signature = string(doc.RequestSuperseded)
		}
		// Whether wrong TANs blocked it is commands/document's to say
		// (document): CanSign until then.
		d.CanSign = status == string(doc.RequestOpen) && !r.Expired &&
			actor.AccountID != "" && actor.AccountID == signer
	}
	return d, nil
}

// Page is one page of documents.
type Page struct {
	Items []Row `json:"items"`
	// NextCursor is the cursor of the next page; "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// List is the newest paging.MaxLimit documents of kind (ListPage's first
// page of that size).
func (q *Queries) List(ctx context.Context, actor domain.Actor, kind string) ([]Row, error) {
	p, err := q.ListPage(ctx, actor, kind, paging.Request{Limit: paging.MaxLimit})
	return p.Items, err
}

// ListPage is one page of the documents of kind ("document", "invoice";
// "" for both) in the actor's scope, newest first: at most page's limit
// (paging.DefaultLimit, at most paging.MaxLimit) after its cursor.
func (q *Queries) ListPage(ctx context.Context, actor domain.Actor, kind string, page paging.Request) (Page, error) {
	window, err := page.SQL()
	if err != nil {
		return Page{}, err
	}
	var args []any
	where, ok := tenant.Where(doc.ScopeOf(actor), docCols, &args)
	if !ok {
		return Page{Items: []Row{}}, nil
	}
	switch doc.Kind(kind) {
	case "":
	case doc.KindDocument, doc.KindInvoice:
		args = append(args, kind)
		where += fmt.Sprintf(" AND d.kind = $%d", len(args))
	default:
		return Page{}, domain.Invalid("kind_invalid", "kind", "kind must be document or invoice", "Het soort moet document of invoice zijn.")
	}
	rows, err := q.pool.Query(ctx, selectRow+` WHERE `+where+` ORDER BY d.uploaded_at DESC, d.document_id DESC`+window, args...)
	if err != nil {
		return Page{}, fmt.Errorf("documents: unable to list: %w", err)
	}
	defer rows.Close()
	out := []Row{}
	now := q.clock()
	for rows.Next() {
		d, err := q.scan(rows, actor, now)
		if err != nil {
			return Page{}, fmt.Errorf("documents: unable to list: %w", err)
		}
		out = append(out, d.Row)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("documents: unable to list: %w", err)
	}
	items, next := paging.Trim(page, out)
	return Page{Items: items, NextCursor: next}, nil
}

// Document is one document with its latest signature request.
func (q *Queries) Document(ctx context.Context, actor domain.Actor, id string) (Detail, error) {
	return q.document(ctx, q.pool, actor, id, q.clock())
}

// InvoiceNumberUsed reports whether an invoice of the client other than
// exceptID carries the number, compared without regard to case: for
// commands/document, which claims numbers itself since the rule came, to
// find the invoices from before it.
func InvoiceNumberUsed(ctx context.Context, pool *pgxpool.Pool, clientID, number, exceptID string) (bool, error) {
	var used bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM documents
		WHERE client_id = $1 AND kind = $2 AND lower(invoice_number) = lower($3) AND document_id <> $4)`,
		clientID, string(doc.KindInvoice), number, exceptID).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("readmodel/documents: unable to look up the invoice number: %w", err)
	}
	return used, nil
}

// db is what the detail reads from: the pool, or the transaction of an
// as-of replay (DocumentAsOf).
type db interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// document reads the detail from db; now decides whether the request has
// expired.
func (q *Queries) document(ctx context.Context, db db, actor domain.Actor, id string, now time.Time) (Detail, error) {
	if validate.ID("id", id) != nil {
		return Detail{}, domain.ErrNotFound
	}
	var args []any
	where, ok := tenant.Where(doc.ScopeOf(actor), docCols, &args)
	if !ok {
		return Detail{}, domain.ErrNotFound
	}
	args = append(args, id)
	d, err := q.scan(db.QueryRow(ctx, selectRow+` WHERE `+where+fmt.Sprintf(` AND d.document_id = $%d`, len(args)), args...), actor, now)
	if errors.Is(err, pgx.ErrNoRows) {
		return Detail{}, domain.ErrNotFound
	}
	if err != nil {
		return Detail{}, fmt.Errorf("documents: unable to read %s: %w", id, err)
	}
	// The versions and, of a request, whether wrong TANs blocked it
	// (commands/document's TANs) in one round trip.
	b := &pgx.Batch{}
	b.Queue(`SELECT version, file_name, content_type, size, sha256, added_at, added_by_role
		FROM document_versions WHERE document_id = $1 ORDER BY version DESC`, id).Query(func(rows pgx.Rows) error {
		var err error
		d.Versions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Version, error) {
			var v Version
			var role string
			err := row.Scan(&v.Version, &v.FileName, &v.ContentType, &v.Size, &v.SHA256, &v.AddedAt, &role)
			v.AddedByRole = domain.Role(role)
			return v, err
		})
		return err
	})
	var blocked bool
	if d.Request != nil {
		q.stored.QueueTANBlocked(b, d.Request.ID, &blocked)
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return Detail{}, fmt.Errorf("documents: unable to read the versions and TAN of %s: %w", id, err)
	}
	if d.Request != nil && blocked {
		d.Request.Blocked, d.CanSign = true, false
	}
	return d, nil
}

// File is the document's content. An ID copy is refused to those who see
// it listed but may not read it (document.ErrFileRestricted). The file is
// the one stored under the checksum the event recorded, and its bytes are
// checked against it.
func (q *Queries) File(ctx context.Context, actor domain.Actor, id string) (File, error) {
	return q.FileVersion(ctx, actor, id, 0)
}

// FileVersion is the file of one version (0: the current one), under the
// same rules as File. A version the document does not have is not found.
func (q *Queries) FileVersion(ctx context.Context, actor domain.Actor, id string, version int) (File, error) {
	if validate.ID("id", id) != nil || version < 0 {
		return File{}, domain.ErrNotFound
	}
	s, found, err := q.stored.File(ctx, q.pool, id, version)
	if err != nil {
		return File{}, fmt.Errorf("documents: unable to read the file of %s: %w", id, err)
	}
	if !found || !doc.CanSee(actor, s.ClientID, s.IntermediaryID, s.WorkerID) {
		return File{}, domain.ErrNotFound
	}
	if !doc.CanReadFile(actor, doc.Category(s.Category), s.ClientID, s.IntermediaryID, s.WorkerID) {
		return File{}, doc.ErrFileRestricted
	}
	if !s.HasFile {
		return File{}, fmt.Errorf("documents: the file of %s is missing", id)
	}
	if sum := sha256.Sum256(s.Content); hex.EncodeToString(sum[:]) != s.SHA256 {
		return File{}, fmt.Errorf("documents: the stored file of %s does not match its checksum", id)
	}
	return File{FileName: s.FileName, ContentType: s.ContentType, Content: s.Content}, nil
}
