package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
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
	"backoffice/notify/mail"
)

// Links builds the URLs in activation and reset mails. The token goes in
// the query string of a portal page; the portal's access log records route
// templates only, never raw URLs.
type Links struct {
	Activation    func(token string) string
	PasswordReset func(token string) string
}

// PortalLinks returns the links of the portal at baseURL
// ("https://portal.example.nl"): /activeren?token=... and
// /wachtwoord-herstellen?token=....
func PortalLinks(baseURL string) Links {
	base := strings.TrimRight(baseURL, "/")
	return Links{
		Activation:    func(t string) string { return base + "/activeren?token=" + url.QueryEscape(t) },
		PasswordReset: func(t string) string { return base + "/wachtwoord-herstellen?token=" + url.QueryEscape(t) },
	}
}

// Config are the Service's collaborators. All but Clock and Log are required.
type Config struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	Auth  *auth.Service
	Vault *Vault
	// Mail queues the mails that are not caused by an event (re-issued
	// activation links, password resets).
	Mail  *mail.Dispatcher
	Links Links
	Clock func() time.Time // default time.Now
	Log   *slog.Logger     // default discards
	// ResetLimitPerHour caps link mails per address per hour (default 5);
	// further requests are answered the same way and send nothing.
	ResetLimitPerHour int
}

// Validate reports every missing dependency at once.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("identity: Config.Store is nil"))
	}
	if c.Pool == nil {
		errs = append(errs, errors.New("identity: Config.Pool is nil"))
	}
	if c.Auth == nil {
		errs = append(errs, errors.New("identity: Config.Auth is nil"))
	}
	if c.Vault == nil {
		errs = append(errs, errors.New("identity: Config.Vault is nil"))
	}
	if c.Mail == nil {
		errs = append(errs, errors.New("identity: Config.Mail is nil"))
	}
	if c.Links.Activation == nil || c.Links.PasswordReset == nil {
		errs = append(errs, errors.New("identity: Config.Links is incomplete (use PortalLinks)"))
	}
	return errors.Join(errs...)
}

// Service runs the identity commands.
type Service struct {
	cfg Config
	log *slog.Logger
	// background counts link requests still running (RequestLink).
	background sync.WaitGroup
}

// Wait blocks until the link requests running in the background are done
// (graceful shutdown, tests).
func (s *Service) Wait() { s.background.Wait() }

// New checks cfg and returns the service.
func New(cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ResetLimitPerHour <= 0 {
		cfg.ResetLimitPerHour = 5
	}
	return &Service{cfg: cfg, log: cfg.Log}, nil
}

// Vault returns the personal-data vault.
func (s *Service) Vault() *Vault { return s.cfg.Vault }

// Auth returns the credentials service.
func (s *Service) Auth() *auth.Service { return s.cfg.Auth }

func (s *Service) now() time.Time { return s.cfg.Clock() }

// System is the actor of the application itself (bootstrap, demo seeding).
var System = domain.Actor{AccountID: "system", Role: domain.RoleSystem, Language: "nl"}

// newID returns a fresh identifier for a new aggregate.
func newID() string { return uuid.NewString() }

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

func loadIntermediary(ctx context.Context, store eventstore.Store, id string) (*intermediary.Intermediary, commands.Stream, error) {
	i := &intermediary.Intermediary{}
	st, err := commands.LoadInto(ctx, store, intermediary.Stream(id), intermediary.Events, i)
	return i, st, err
}

func loadClient(ctx context.Context, store eventstore.Store, id string) (*client.Client, commands.Stream, error) {
	c := &client.Client{}
	st, err := commands.LoadInto(ctx, store, client.Stream(id), client.Events, c)
	return c, st, err
}

func loadWorker(ctx context.Context, store eventstore.Store, id string) (*worker.Worker, commands.Stream, error) {
	w := &worker.Worker{}
	st, err := commands.LoadInto(ctx, store, worker.Stream(id), worker.Events, w)
	return w, st, err
}

func loadPlacement(ctx context.Context, store eventstore.Store, id string) (*placement.Placement, commands.Stream, error) {
	p := &placement.Placement{}
	st, err := commands.LoadInto(ctx, store, placement.Stream(id), placement.Events, p)
	return p, st, err
}

func loadAccount(ctx context.Context, store eventstore.Store, id string) (*account.Account, commands.Stream, error) {
	a := &account.Account{}
	st, err := commands.LoadInto(ctx, store, account.Stream(id), account.Events, a)
	return a, st, err
}

func loadToken(ctx context.Context, store eventstore.Store, id string) (*account.Token, commands.Stream, error) {
	t := &account.Token{}
	st, err := commands.LoadInto(ctx, store, account.TokenStream(id), account.Events, t)
	return t, st, err
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
