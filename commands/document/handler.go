package document

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
	"backoffice/eventstore"
)

// Config are the Handler's collaborators. Store, Pool and MasterKey are
// required.
type Config struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	// MasterKey is the identity vault's master key (32 bytes); the TAN
	// hashing key is derived from it (see TANKey).
	MasterKey []byte
	Clock     func() time.Time // default time.Now
	Log       *slog.Logger     // default discards
	// Sealer encrypts the signer's connection (IP address, user agent)
	// for the signing evidence with the signer's data key
	// (identity.Vault). Without it the connection is not recorded.
	Sealer Sealer
}

// Sealer encrypts personal data for an event under the subject's data key
// (crypto-shredding: identity.Vault.Seal).
type Sealer interface {
	Seal(ctx context.Context, subject string, value any) (string, error)
}

// Validate reports every missing dependency at once.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("commands/document: Config.Store is nil"))
	}
	if c.Pool == nil {
		errs = append(errs, errors.New("commands/document: Config.Pool is nil"))
	}
	if len(c.MasterKey) != 32 {
		errs = append(errs, errors.New("commands/document: Config.MasterKey must be 32 bytes"))
	}
	return errors.Join(errs...)
}

// Handler runs the document commands.
type Handler struct {
	store  eventstore.Store
	pool   *pgxpool.Pool
	tanKey []byte
	clock  func() time.Time
	log    *slog.Logger
	sealer Sealer
}

// New checks cfg and returns the handler.
func New(cfg Config) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{store: cfg.Store, pool: cfg.Pool, tanKey: TANKey(cfg.MasterKey), clock: cfg.Clock, log: cfg.Log, sealer: cfg.Sealer}, nil
}

// Links builds the portal URLs in the signing mails.
type Links struct {
	// Sign is the signing screen of a document for the signer: the unique
	// link with the request's token (signlink.go).
	Sign func(documentID, token string) string
	// Document is the document's page (for the back office).
	Document func(documentID string) string
}

// PortalLinks returns the links of the portal at baseURL: the signing
// screen /documenten/{id}/ondertekenen/{token} (manual §5.1) and the
// document page /overige/documenten/{id} (internal/e2e requests both).
func PortalLinks(baseURL string) Links {
	base := strings.TrimRight(baseURL, "/")
	return Links{
		Sign: func(id, token string) string {
			return base + "/documenten/" + url.PathEscape(id) + "/ondertekenen/" + url.PathEscape(token)
		},
		Document: func(id string) string { return base + "/overige/documenten/" + url.PathEscape(id) },
	}
}

// load reads a document and checks the actor may see it.
func (h *Handler) load(ctx context.Context, actor domain.Actor, id string) (*doc.Document, commands.Stream, error) {
	if validate.ID("id", id) != nil {
		return nil, commands.Stream{}, domain.ErrNotFound
	}
	d := &doc.Document{}
	st, err := commands.LoadInto(ctx, h.store, doc.Stream(id), doc.Events, d)
	if err != nil {
		return nil, st, fmt.Errorf("commands/document: %w", err)
	}
	if !d.Exists() || !doc.CanSee(actor, d.ClientID(), d.IntermediaryID(), d.WorkerID()) {
		return nil, st, domain.ErrNotFound
	}
	return d, st, nil
}
