package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/placement"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	rmid "backoffice/readmodel/identity"
)

// Config are the collaborators of the identity handlers; New hands each
// handler only the ones it needs. All but Clock and Log are required.
type Config struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	Auth  *auth.Service
	Vault *Vault
	Clock func() time.Time // default time.Now
	Log   *slog.Logger     // default discards
}

// Validate reports every missing dependency at once.
func (c Config) Validate() error {
	var errs []error
	for _, d := range []struct {
		name    string
		missing bool
	}{
		{"Store", c.Store == nil}, {"Pool", c.Pool == nil}, {"Auth", c.Auth == nil},
		{"Vault", c.Vault == nil},
	} {
		if d.missing {
			errs = append(errs, fmt.Errorf("identity: Config.%s is missing", d.name))
		}
	}
	return errors.Join(errs...)
}

// Handlers are the identity command handlers, one per group of use cases,
// each holding only the collaborators its commands need. internal/app builds
// them once and hands each adapter the ones it calls.
type Handlers struct {
	// Registration registers intermediaries, clients and workers and
	// changes their contacts, each with its login (accounts.go).
	Registration *Registration
	// Tenants changes agreements and placements and erases personal data.
	Tenants *Tenants
	// Accounts blocks and unblocks logins.
	Accounts *Accounts
	// Profile sets an account's language and mobile number, and changes
	// the caller's own password.
	Profile *Profile
	// Activation redeems activation and reset links and bootstraps the
	// first back-office user.
	Activation *Activation
	// Tokens creates and revokes integration tokens.
	Tokens *Tokens
	// Vault and Auth are the stores the handlers keep personal data and
	// credentials in; demo seeding and the API's worker page read them.
	Vault *Vault
	Auth  *auth.Service
}

// New checks cfg and builds the handlers.
func New(cfg Config) (*Handlers, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := base{clock: cfg.Clock, log: cfg.Log}
	if b.clock == nil {
		b.clock = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	return &Handlers{
		Registration: &Registration{base: b, cfg: registrationDeps{Store: cfg.Store, Pool: cfg.Pool, Auth: cfg.Auth, Vault: cfg.Vault}},
		Tenants:      &Tenants{base: b, cfg: tenantDeps{Store: cfg.Store, Vault: cfg.Vault, Queries: rmid.NewQueries(cfg.Pool, b.clock)}},
		Accounts:     &Accounts{base: b, cfg: accountDeps{Store: cfg.Store, Auth: cfg.Auth}},
		Profile:      &Profile{base: b, cfg: profileDeps{Store: cfg.Store, Pool: cfg.Pool, Vault: cfg.Vault, Auth: cfg.Auth}},
		Activation:   &Activation{base: b, cfg: activationDeps{Store: cfg.Store, Pool: cfg.Pool, Auth: cfg.Auth}},
		Tokens:       &Tokens{base: b, cfg: tokenDeps{Store: cfg.Store, Auth: cfg.Auth}},
		Vault:        cfg.Vault,
		Auth:         cfg.Auth,
	}, nil
}

// base is what every handler has: the clock that stamps events and the log.
type base struct {
	clock func() time.Time
	log   *slog.Logger
}

func (b base) now() time.Time { return b.clock() }

// Registration runs the commands that create or move a login with a
// tenant: the e-mail address is claimed in the credentials table before
// the tenant's and the account's events are appended (accounts.go).
type Registration struct {
	base
	cfg registrationDeps
}

type registrationDeps struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	Auth  *auth.Service
	Vault *Vault
}

// Tenants runs the changes of clients, placements and workers that touch
// no login: agreements, starting, correcting and ending placements.
type Tenants struct {
	base
	cfg tenantDeps
}

type tenantDeps struct {
	Store eventstore.Store
	Vault *Vault
	// Queries finds a worker's other placements (placements.go).
	Queries *rmid.Queries
}

// Accounts blocks and unblocks logins: the account stream and the
// credentials row together.
type Accounts struct {
	base
	cfg accountDeps
}

type accountDeps struct {
	Store eventstore.Store
	Auth  *auth.Service
}

// Profile sets what an account holder may change himself (the back office
// too): the language and the mobile number; and his own password
// (password.go).
type Profile struct {
	base
	cfg profileDeps
}

type profileDeps struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	Vault *Vault
	Auth  *auth.Service
}

// Activation redeems activation and reset links and sets the passwords of
// the bootstrap and demo users.
type Activation struct {
	base
	cfg activationDeps
}

type activationDeps struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	Auth  *auth.Service
}

// Tokens creates, revokes and lists integration tokens.
type Tokens struct {
	base
	cfg tokenDeps
}

type tokenDeps struct {
	Store eventstore.Store
	Auth  *auth.Service
}

// System is the actor of the application itself (bootstrap, demo seeding).
var System = domain.Actor{AccountID: "system", Role: domain.RoleSystem, Language: "nl"}

// newID returns a fresh identifier for a new aggregate.
func newID() string { return uuid.NewString() }

// ensureID gives an ID the caller left empty a new one and checks one the
// caller chose. Under an idempotency key the new ID is derived from the
// key and the request (meta.Command), so a retry whose first attempt
// appended, and lost its answer, names the same aggregate and finds that
// attempt's events (commands.Replayed) instead of registering a second one or
// answering email_taken for the account the first made.
func ensureID(meta commands.Meta, field string, id *string) error {
	switch {
	case *id != "":
	case meta.IdempotencyKey != "":
		seed := fmt.Sprintf("%q|%q|%q|%q", meta.Actor.AccountID, meta.IdempotencyKey, meta.Command, field)
		*id = uuid.NewSHA1(registrationNamespace, []byte(seed)).String()
	default:
		*id = newID()
	}
	return checkID(field, *id)
}

// firstOf returns the first event of events when it is an E.
func firstOf[E domain.Event](events []domain.Event) (E, bool) {
	var none E
	if len(events) == 0 {
		return none, false
	}
	e, ok := events[0].(E)
	return e, ok
}

// registrationNamespace seeds the IDs ensureID derives from idempotency keys.
// WARNING: changing it breaks retries in flight.
var registrationNamespace = uuid.MustParse("3e0f6a0c-9b7d-4d52-8f0e-5a7c2d1b9e64")

// accountIDFor derives the account ID of a tenant's contact or worker, so a
// retried registration refers to the same account.
func accountIDFor(role domain.Role, tenantID, email string) string {
	return uuid.NewSHA1(accountNamespace, []byte(string(role)+"|"+tenantID+"|"+email)).String()
}

// accountNamespace seeds derived account IDs.
// WARNING: changing it changes the account IDs of future registrations only,
// but breaks retries in flight.
var accountNamespace = uuid.MustParse("0b7f3c55-7d1e-4a4e-9d55-3c1f6f0b1a92")

// Subject names of personal data in the Vault.
func workerSubject(id string) string { return worker.Stream(id) }
func clientSubject(id string) string { return client.Stream(id) }

// WorkerSubject is the Vault subject of a worker's personal data.
func WorkerSubject(workerID string) string { return workerSubject(workerID) }

// aggregate is a domain aggregate (domain.Aggregate): its zero value is
// ready to fold.
type aggregate[A any] interface {
	*A
	domain.Aggregate
}

// loader returns the function that folds the stream of one aggregate of
// type A into a new one (commands.LoadInto).
func loader[A any, P aggregate[A]](stream func(id string) string, reg *domain.Registry) func(context.Context, eventstore.Store, string) (P, commands.Stream, error) {
	return func(ctx context.Context, store eventstore.Store, id string) (P, commands.Stream, error) {
		agg := P(new(A))
		st, err := commands.LoadInto(ctx, store, stream(id), reg, agg)
		return agg, st, err
	}
}

var (
	loadIntermediary = loader[intermediary.Intermediary](intermediary.Stream, intermediary.Events)
	loadClient       = loader[client.Client](client.Stream, client.Events)
	loadWorker       = loader[worker.Worker](worker.Stream, worker.Events)
	loadPlacement    = loader[placement.Placement](placement.Stream, placement.Events)
	loadAccount      = loader[account.Account](account.Stream, account.Events)
	loadToken        = loader[account.Token](account.TokenStream, account.Events)
)

// staffOn lets only the back office act on the item that id (the request's
// field) names: anyone else, and an ID that is not one, get not-found, so
// nothing is learned about what exists.
func staffOn(actor domain.Actor, field, id string) error {
	if !account.IsStaff(actor) || id == "" || checkID(field, id) != nil {
		return domain.ErrNotFound
	}
	return nil
}

// staffFor is the gate of a back-office command on an object that was
// loaded: not-found when the caller cannot see it (or it does not exist),
// forbidden when the caller sees it but is not the back office.
func staffFor(actor domain.Actor, visible bool) error {
	switch {
	case !visible:
		return domain.ErrNotFound
	case !account.IsStaff(actor):
		return account.Forbidden
	}
	return nil
}

// checkID validates a caller-supplied ID before it reaches a stream name.
func checkID(field, id string) error {
	if id == "" {
		return nil
	}
	if len(id) > 64 {
		return domain.Invalid("id_format", field, "The identifier is too long.", "De identificatie is te lang.")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return domain.Invalid("id_format", field, "The identifier contains invalid characters.", "De identificatie bevat ongeldige tekens.")
		}
	}
	return nil
}

func wrapf(format string, err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf(format, err)
}
