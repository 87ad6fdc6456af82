package identity

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/readmodel/paging"
	"backoffice/readmodel/tenant"
)

// Queries reads the identity read models within the caller's scope.
type Queries struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewQueries returns the queries. clock decides "today" for the status of
// placements (nil: time.Now); today is the date in Europe/Amsterdam.
func NewQueries(pool *pgxpool.Pool, clock func() time.Time) *Queries {
	if clock == nil {
		clock = time.Now
	}
	return &Queries{pool: pool, now: clock}
}

var amsterdam = domain.Amsterdam

func (q *Queries) today() time.Time {
	y, m, d := q.now().In(amsterdam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Tenant columns of the identity tables as the queries spell them.
var (
	intermediaryCols = tenant.Columns{Intermediary: "intermediary_id"}
	clientCols       = tenant.Columns{Intermediary: "c.intermediary_id", Client: "c.client_id"}
	placementCols    = tenant.Columns{Intermediary: "p.intermediary_id", Client: "p.client_id", Worker: "p.worker_id"}
)

// where is the actor's scope on cols after the arguments args holds
// (tenant.Where): "false" when the scope admits nothing.
func where(a domain.Actor, cols tenant.Columns, args *[]any) string {
	cond, _ := tenant.Where(account.ScopeOf(a), cols, args)
	return cond
}

// email is the column col of an e-mail address for a reader who may see
// addresses, and an empty string for one who may not: the address stays in
// the database (account.CanSeeEmail).
func email(a domain.Actor, col string) string {
	if account.CanSeeEmail(a) {
		return col
	}
	return "''"
}

// one returns the only row of a lookup, or domain.ErrNotFound when the
// lookup found none (or none in the actor's scope).
func one[T any](rows []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(rows) == 0 {
		return zero, domain.ErrNotFound
	}
	return rows[0], nil
}

// ---- views ----

// Contact is a contact person. Email is empty (the key absent) for a
// reader who may not see addresses (account.CanSeeEmail).
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// Intermediary is an intermediary as screens show it.
type Intermediary struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	KvK          string    `json:"kvk,omitempty"`
	Contact      Contact   `json:"contact"`
	RegisteredAt time.Time `json:"registered_at"`
}

// Address is a company address.
type Address struct {
	Street      string `json:"street"`
	HouseNumber string `json:"house_number"`
	PostalCode  string `json:"postal_code"`
	City        string `json:"city"`
	Country     string `json:"country"`
}

// HourType is an agreed hour type.
type HourType struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	Absence    bool   `json:"absence,omitempty"`
}

// Agreement summarises an agreement with a client.
type Agreement struct {
	EffectiveFrom    string           `json:"effective_from"`
	HourTypes        []HourType       `json:"hour_types"`
	NormalHourType   string           `json:"normal_hour_type"`
	EnteredBy        string           `json:"entered_by"`
	ApprovalChain    []string         `json:"approval_chain"`
	TimeRegistration bool             `json:"time_registration"`
	Allowances       Allowances       `json:"allowances"`
	BillingRates     map[string]int64 `json:"billing_rates,omitempty"`
}

// Allowances are the automatic allowances in cents.
type Allowances struct {
	PerDayCents  int64 `json:"per_day_cents"`
	PerHourCents int64 `json:"per_hour_cents"`
}

// Client is a client with the agreement in force today and later ones.
type Client struct {
	ID             string      `json:"id"`
	IntermediaryID string      `json:"intermediary_id"`
	Name           string      `json:"name"`
	KvK            string      `json:"kvk"`
	Address        Address     `json:"address"`
	Contact        Contact     `json:"contact"`
	Agreement      *Agreement  `json:"agreement"`
	Upcoming       []Agreement `json:"upcoming_agreements,omitempty"`
}

// Name is a person's name.
type Name struct {
	First string `json:"first"`
	Infix string `json:"infix,omitempty"`
	Last  string `json:"last"`
}

// Worker is a worker without personal data. Email is empty (the key
// absent) for a reader who may not see addresses (account.CanSeeEmail).
type Worker struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Name     Name   `json:"name"`
	FullName string `json:"full_name"`
	Email    string `json:"email,omitempty"`
	Function string `json:"function"`
}

// Placement statuses.
const (
	StatusActive = "active"
	StatusEnded  = "ended"
)

// Placement is a placement with the names screens show.
type Placement struct {
	ID               string  `json:"id"`
	WorkerID         string  `json:"worker_id"`
	WorkerName       string  `json:"worker_name"`
	ClientID         string  `json:"client_id"`
	ClientName       string  `json:"client_name"`
	IntermediaryID   string  `json:"intermediary_id"`
	IntermediaryName string  `json:"intermediary_name"`
	Function         string  `json:"function"`
	Start            string  `json:"start"`
	End              *string `json:"end"`
	Status           string  `json:"status"`
	EndReason        string  `json:"end_reason,omitempty"`
}

// Account is a login as the back office sees it. The auditor sees who
// acted, not how to reach them: Email is empty for the auditor (and the
// key absent from JSON).
type Account struct {
	ID    string `json:"id"`
	Email string `json:"email,omitempty"`
	// Name is the person behind the login where the read models know it:
	// the worker's full name, the client's or intermediary's contact
	// person while the login is the contact's; "" otherwise (back-office
	// users, other users of a client, a former contact).
	Name           string `json:"name,omitempty"`
	Role           string `json:"role"`
	IntermediaryID string `json:"intermediary_id,omitempty"`
	ClientID       string `json:"client_id,omitempty"`
	WorkerID       string `json:"worker_id,omitempty"`
	Language       string `json:"language"`
	Activated      bool   `json:"activated"`
	Disabled       bool   `json:"disabled"`
	// CreatedAt is when the login was created; DisabledAt when it was
	// blocked (nil when it is not, and for a login blocked before the
	// column existed until the projector identity.accounts is rebuilt).
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// ---- intermediaries ----

// Intermediaries lists the intermediaries in scope, by name.
func (q *Queries) Intermediaries(ctx context.Context, a domain.Actor) ([]Intermediary, error) {
	var args []any
	cond := where(a, intermediaryCols, &args)
	return q.intermediaries(ctx, a, `WHERE `+cond+` ORDER BY name, intermediary_id`, args...)
}

// IntermediariesPage is one page of Intermediaries.
func (q *Queries) IntermediariesPage(ctx context.Context, a domain.Actor, page paging.Request) (Page[Intermediary], error) {
	return pageOf(page, func(window string) ([]Intermediary, error) {
		var args []any
		cond := where(a, intermediaryCols, &args)
		return q.intermediaries(ctx, a, `WHERE `+cond+` ORDER BY name, intermediary_id`+window, args...)
	})
}

// Intermediary returns one intermediary or domain.ErrNotFound.
func (q *Queries) Intermediary(ctx context.Context, a domain.Actor, id string) (Intermediary, error) {
	args := []any{id}
	cond := where(a, intermediaryCols, &args)
	return one(q.intermediaries(ctx, a, `WHERE intermediary_id = $1 AND `+cond, args...))
}

func (q *Queries) intermediaries(ctx context.Context, a domain.Actor, where string, args ...any) ([]Intermediary, error) {
	rows, err := q.pool.Query(ctx, `SELECT intermediary_id, name, kvk, contact_name, `+email(a, "contact_email")+`, registered_at
		FROM intermediaries `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read intermediaries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Intermediary, error) {
		var i Intermediary
		err := r.Scan(&i.ID, &i.Name, &i.KvK, &i.Contact.Name, &i.Contact.Email, &i.RegisteredAt)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read intermediaries: %w", err)
	}
	return out, nil
}

// ---- clients ----

// Clients lists the clients in scope, by name, each with the agreement in
// force today.
func (q *Queries) Clients(ctx context.Context, a domain.Actor) ([]Client, error) {
	var args []any
	cond := where(a, clientCols, &args)
	return q.clients(ctx, a, `WHERE `+cond+` ORDER BY c.name, c.client_id`, args...)
}

// ClientsPage is one page of Clients (the agreements of that page's
// clients only).
func (q *Queries) ClientsPage(ctx context.Context, a domain.Actor, page paging.Request) (Page[Client], error) {
	return pageOf(page, func(window string) ([]Client, error) {
		var args []any
		cond := where(a, clientCols, &args)
		return q.clients(ctx, a, `WHERE `+cond+` ORDER BY c.name, c.client_id`+window, args...)
	})
}

// Client returns one client or domain.ErrNotFound.
func (q *Queries) Client(ctx context.Context, a domain.Actor, id string) (Client, error) {
	args := []any{id}
	cond := where(a, clientCols, &args)
	return one(q.clients(ctx, a, `WHERE c.client_id = $1 AND `+cond, args...))
}

func (q *Queries) clients(ctx context.Context, a domain.Actor, where string, args ...any) ([]Client, error) {
	rows, err := q.pool.Query(ctx, `SELECT c.client_id, c.intermediary_id, c.name, c.kvk, c.address, c.contact_name, `+email(a, "c.contact_email")+`
		FROM clients c `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read clients: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Client, error) {
		var c Client
		err := r.Scan(&c.ID, &c.IntermediaryID, &c.Name, &c.KvK, &c.Address, &c.Contact.Name, &c.Contact.Email)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read clients: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, len(out))
	idx := map[string]int{}
	for i, c := range out {
		ids[i] = c.ID
		idx[c.ID] = i
	}
	arows, err := q.pool.Query(ctx, `SELECT client_id, effective_from, agreement FROM client_agreements
		WHERE client_id = ANY($1) ORDER BY client_id, effective_from`, ids)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read agreements: %w", err)
	}
	today := q.today()
	type row struct {
		clientID string
		from     time.Time
		a        Agreement
	}
	all, err := pgx.CollectRows(arows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.clientID, &x.from, &x.a)
		x.a.EffectiveFrom = x.from.Format(time.DateOnly)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read agreements: %w", err)
	}
	for _, x := range all {
		c := &out[idx[x.clientID]]
		if !x.from.After(today) {
			ag := x.a
			c.Agreement = &ag // rows are in date order: the last one not after today wins
		} else {
			c.Upcoming = append(c.Upcoming, x.a)
		}
	}
	return out, nil
}

// ---- workers ----

// Worker returns a worker (without personal data) or domain.ErrNotFound.
// A worker is visible to themself, to staff, auditors and payroll, and to
// whoever may see one of the worker's placements.
func (q *Queries) Worker(ctx context.Context, a domain.Actor, id string) (Worker, error) {
	args := []any{id}
	var cond string
	switch s := account.ScopeOf(a); s.Kind {
	case account.ScopeClient, account.ScopeIntermediary:
		// Through one of the worker's placements.
		cond = "EXISTS (SELECT 1 FROM placements p WHERE p.worker_id = w.worker_id AND " + where(a, placementCols, &args) + ")"
	default:
		cond, _ = tenant.Where(s, tenant.Columns{Worker: "w.worker_id"}, &args)
	}
	var w Worker
	err := q.pool.QueryRow(ctx, `SELECT w.worker_id, w.client_id, w.first_name, w.infix, w.last_name, w.full_name, `+email(a, "w.email")+`, w.function
		FROM workers w WHERE w.worker_id = $1 AND `+cond, args...).
		Scan(&w.ID, &w.ClientID, &w.Name.First, &w.Name.Infix, &w.Name.Last, &w.FullName, &w.Email, &w.Function)
	if errors.Is(err, pgx.ErrNoRows) {
		return Worker{}, domain.ErrNotFound
	}
	if err != nil {
		return Worker{}, fmt.Errorf("readmodel/identity: unable to read worker: %w", err)
	}
	return w, nil
}

// ---- placements ----

// PlacementFilter selects placements.
type PlacementFilter struct {
	Status   string // "" (all), StatusActive or StatusEnded
	WorkerID string // optional
	ClientID string // optional
	// IDs, when not nil, keeps only these placements (the names of one page
	// of another list).
	IDs []string
	// Search keeps the placements whose worker's full name contains it
	// (case-insensitive); "" keeps all.
	Search string
}

// Page is one page of a list.
type Page[T any] struct {
	Items []T `json:"items"`
	// NextCursor is the cursor of the next page; "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// pageOf reads one page: read gets the SQL window to append to its query.
func pageOf[T any](page paging.Request, read func(window string) ([]T, error)) (Page[T], error) {
	window, err := page.SQL()
	if err != nil {
		return Page[T]{}, err
	}
	items, err := read(window)
	if err != nil {
		return Page[T]{}, err
	}
	items, next := paging.Trim(page, items)
	return Page[T]{Items: nonNil(items), NextCursor: next}, nil
}

// PlacementsPage is one page of Placements (by worker name): at most
// page's limit (paging.DefaultLimit, at most paging.MaxLimit) after its
// cursor.
func (q *Queries) PlacementsPage(ctx context.Context, a domain.Actor, f PlacementFilter, page paging.Request) (Page[Placement], error) {
	return pageOf(page, func(window string) ([]Placement, error) { return q.placementsWhere(ctx, a, f, window) })
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

const placementSelect = `SELECT p.placement_id, p.worker_id, coalesce(w.full_name, ''), p.client_id, coalesce(c.name, ''),
	p.intermediary_id, coalesce(i.name, ''), p.function, p.start_date, p.end_date, p.end_reason
	FROM placements p
	LEFT JOIN workers w ON w.worker_id = p.worker_id
	LEFT JOIN clients c ON c.client_id = p.client_id
	LEFT JOIN intermediaries i ON i.intermediary_id = p.intermediary_id `

// Placements lists the placements in scope (the "Werknemers" tab with
// Status active), by worker name.
//
// It reads every placement the filter admits: screens and the API page
// with PlacementsPage; this is for lists bounded by their filter (one
// client's, one worker's, IDs).
func (q *Queries) Placements(ctx context.Context, a domain.Actor, f PlacementFilter) ([]Placement, error) {
	return q.placementsWhere(ctx, a, f, "")
}

func (q *Queries) placementsWhere(ctx context.Context, a domain.Actor, f PlacementFilter, window string) ([]Placement, error) {
	args := []any{q.today()}
	filter := "WHERE $1::date IS NOT NULL" // $1 is today, used by the status filters
	switch f.Status {
	case "":
	case StatusActive:
		filter += " AND (p.end_date IS NULL OR p.end_date >= $1)"
	case StatusEnded:
		filter += " AND p.end_date < $1"
	default:
		return nil, domain.Invalid("status", "status", "status must be active or ended", "status moet active of ended zijn.")
	}
	if f.WorkerID != "" {
		args = append(args, f.WorkerID)
		filter += " AND p.worker_id = $" + strconv.Itoa(len(args))
	}
	if f.ClientID != "" {
		args = append(args, f.ClientID)
		filter += " AND p.client_id = $" + strconv.Itoa(len(args))
	}
	if f.IDs != nil {
		args = append(args, f.IDs)
		filter += " AND p.placement_id = ANY($" + strconv.Itoa(len(args)) + "::text[])"
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		args = append(args, "%"+likeEscaper.Replace(s)+"%")
		filter += " AND w.full_name ILIKE $" + strconv.Itoa(len(args))
	}
	cond := where(a, placementCols, &args)
	return q.placements(ctx, filter+" AND "+cond+" ORDER BY w.last_name, w.first_name, p.start_date, p.placement_id"+window, args...)
}

// likeEscaper escapes LIKE's wildcards (and its escape character) in a
// search text, so "50%" finds "50%" and not everything starting with 50.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// Placement returns one placement or domain.ErrNotFound.
func (q *Queries) Placement(ctx context.Context, a domain.Actor, id string) (Placement, error) {
	args := []any{id}
	cond := where(a, placementCols, &args)
	return one(q.placements(ctx, "WHERE p.placement_id = $1 AND "+cond, args...))
}

func (q *Queries) placements(ctx context.Context, where string, args ...any) ([]Placement, error) {
	rows, err := q.pool.Query(ctx, placementSelect+where, args...)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read placements: %w", err)
	}
	today := q.today()
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Placement, error) {
		var (
			p     Placement
			start time.Time
			end   *time.Time
		)
		err := r.Scan(&p.ID, &p.WorkerID, &p.WorkerName, &p.ClientID, &p.ClientName, &p.IntermediaryID,
			&p.IntermediaryName, &p.Function, &start, &end, &p.EndReason)
		p.Start = start.Format(time.DateOnly)
		p.Status = StatusActive
		if end != nil {
			s := end.Format(time.DateOnly)
			p.End = &s
			if end.Before(today) {
				p.Status = StatusEnded
			}
		}
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read placements: %w", err)
	}
	return out, nil
}

// ---- accounts ----

// readsAccounts reports whether a may list logins: the bureau and the
// auditor; the payroll token and every tenant role may not.
func readsAccounts(a domain.Actor) bool {
	return account.IsStaff(a) || a.Role == domain.RoleAuditor
}

// Accounts lists every login (back office, auditors: without e-mail
// addresses). Others get nothing.
func (q *Queries) Accounts(ctx context.Context, a domain.Actor) ([]Account, error) {
	if !readsAccounts(a) {
		return []Account{}, nil
	}
	return q.accounts(ctx, account.CanSeeEmail(a), `ORDER BY `+accountOrder(a))
}

// AccountsPage is one page of Accounts (accountOrder: by e-mail address,
// by creation for the auditor).
func (q *Queries) AccountsPage(ctx context.Context, a domain.Actor, page paging.Request) (Page[Account], error) {
	return pageOf(page, func(window string) ([]Account, error) {
		if !readsAccounts(a) {
			return []Account{}, nil
		}
		return q.accounts(ctx, account.CanSeeEmail(a), `ORDER BY `+accountOrder(a)+window)
	})
}

// accountOrder is the order of a list of logins for a: by address, or by
// creation for a reader who may not see addresses (an order by address
// would tell their order).
func accountOrder(a domain.Actor) string {
	if account.CanSeeEmail(a) {
		return "a.email, a.account_id"
	}
	return "a.created_at, a.account_id"
}

// accounts reads the accounts a the SQL after the joins selects; withEmail
// false leaves the address in the database.
func (q *Queries) accounts(ctx context.Context, withEmail bool, where string, args ...any) ([]Account, error) {
	email := "''"
	if withEmail {
		email = "a.email"
	}
	rows, err := q.pool.Query(ctx, `SELECT a.account_id, `+email+`, coalesce(CASE a.role
			WHEN 'worker' THEN w.full_name
			WHEN 'client' THEN c.contact_name
			WHEN 'intermediary' THEN i.contact_name
		END, ''), a.role, a.intermediary_id, a.client_id, a.worker_id, a.language, a.activated, a.disabled,
		a.created_at, a.disabled_at
		FROM accounts a
		LEFT JOIN workers w ON a.role = 'worker' AND w.worker_id = a.worker_id
		LEFT JOIN clients c ON a.role = 'client' AND c.client_id = a.client_id AND lower(c.contact_email) = a.email
		LEFT JOIN intermediaries i ON a.role = 'intermediary' AND i.intermediary_id = a.intermediary_id
			AND lower(i.contact_email) = a.email
		`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read accounts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) {
		var x Account
		err := r.Scan(&x.ID, &x.Email, &x.Name, &x.Role, &x.IntermediaryID, &x.ClientID, &x.WorkerID, &x.Language,
			&x.Activated, &x.Disabled, &x.CreatedAt, &x.DisabledAt)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read accounts: %w", err)
	}
	return out, nil
}

// DisplayName is the name the portal greets an account's user by: the
// worker's full name, the client's or intermediary's contact name (when
// the account is that contact's), and otherwise (back-office users, a
// former contact, a name not yet projected) the account's e-mail address.
// It is "" when the account itself is not projected yet. The portal calls
// it on every request: one look-up by primary key with three joins on
// primary keys.
//
// It takes no actor: it reads only the caller's own account, whose ID
// comes from the session.
func (q *Queries) DisplayName(ctx context.Context, accountID string) (string, error) {
	var name string
	err := q.pool.QueryRow(ctx, `SELECT coalesce(nullif(CASE a.role
			WHEN 'worker' THEN w.full_name
			WHEN 'client' THEN c.contact_name
			WHEN 'intermediary' THEN i.contact_name
		END, ''), a.email)
		FROM accounts a
		LEFT JOIN workers w ON a.role = 'worker' AND w.worker_id = a.worker_id
		LEFT JOIN clients c ON a.role = 'client' AND c.client_id = a.client_id AND lower(c.contact_email) = a.email
		LEFT JOIN intermediaries i ON a.role = 'intermediary' AND i.intermediary_id = a.intermediary_id
			AND lower(i.contact_email) = a.email
		WHERE a.account_id = $1`, accountID).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("readmodel/identity: unable to read display name: %w", err)
	}
	return name, nil
}

// ClientUser is a login of a client's company as the back office picks
// one, e.g. to ask for a signature.
type ClientUser struct {
	AccountID string `json:"account_id"`
	// Name is the contact's name for the contact's own account, otherwise
	// the e-mail address (other users have no name of their own).
	Name  string `json:"name"`
	Email string `json:"email"`
}

// ClientUsers lists the enabled client users of clientID, by name. It is
// for the back office only: anyone else gets domain.ErrNotFound, so the
// answer says nothing about the client.
func (q *Queries) ClientUsers(ctx context.Context, a domain.Actor, clientID string) ([]ClientUser, error) {
	if !account.IsStaff(a) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `SELECT a.account_id, coalesce(nullif(c.contact_name, ''), a.email), a.email
		FROM accounts a
		LEFT JOIN clients c ON c.client_id = a.client_id AND lower(c.contact_email) = a.email
		WHERE a.role = 'client' AND a.client_id = $1 AND NOT a.disabled
		ORDER BY 2, a.email, a.account_id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read client users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClientUser, error) {
		var u ClientUser
		err := r.Scan(&u.AccountID, &u.Name, &u.Email)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: unable to read client users: %w", err)
	}
	return out, nil
}
