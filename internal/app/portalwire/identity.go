package portalwire

import (
	"context"
	"errors"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/http/portal"
)

// Identity adapts commands/auth (sessions) and commands/identity
// (activation, password reset) to portal.Identity.
type Identity struct {
	auth    *auth.Service
	service *identity.Service
	clock   func() time.Time
}

var _ portal.Identity = (*Identity)(nil)

// NewIdentity returns the adapter; every dependency is required.
func NewIdentity(a *auth.Service, svc *identity.Service, clock func() time.Time) (*Identity, error) {
	if a == nil || svc == nil || clock == nil {
		return nil, errors.New("portalwire: NewIdentity: auth, identity service and clock are required")
	}
	return &Identity{auth: a, service: svc, clock: clock}, nil
}

func userOf(s auth.Session) portal.User {
	return portal.User{Actor: s.Actor(), Email: s.Email}
}

// Login implements portal.Identity.
func (i *Identity) Login(ctx context.Context, email, password string, c portal.Client) (portal.Session, error) {
	tok, s, err := i.auth.Login(ctx, email, password, c.IP, i.clock(), auth.WithUserAgent(c.UserAgent))
	if err != nil {
		return portal.Session{}, err
	}
	return portal.Session{Token: tok, User: userOf(s), ExpiresAt: s.ExpiresAt}, nil
}

// Authenticate implements portal.Identity.
func (i *Identity) Authenticate(ctx context.Context, token string) (portal.User, error) {
	s, err := i.auth.Authenticate(ctx, token, i.clock())
	if err != nil {
		return portal.User{}, err
	}
	return userOf(s), nil
}

// Logout implements portal.Identity.
func (i *Identity) Logout(ctx context.Context, token string) error {
	return i.auth.Logout(ctx, token)
}

// Activate implements portal.Identity.
func (i *Identity) Activate(ctx context.Context, token, password string) (commands.Result, error) {
	res, _, err := i.service.Activate(ctx, token, password)
	return res, err
}

// RequestPasswordReset implements portal.Identity: identity.RequestLink
// answers unknown addresses like known ones.
func (i *Identity) RequestPasswordReset(ctx context.Context, email string) error {
	return i.service.RequestLink(ctx, email)
}

// ResetPassword implements portal.Identity.
func (i *Identity) ResetPassword(ctx context.Context, token, password string) (commands.Result, error) {
	res, _, err := i.service.CompletePasswordReset(ctx, token, password)
	return res, err
}

// ErrLanguageUnavailable: commands/identity has no command that changes an
// account's language yet, so a logged-in user keeps the account's language.
var ErrLanguageUnavailable = domain.Rule("language_unavailable", "language",
	"Changing the language of an account is not available yet.",
	"De taal van een account kan nog niet worden gewijzigd.")

// SetLanguage implements portal.Identity. Until commands/identity has a
// command for it, it reports ErrLanguageUnavailable.
func (i *Identity) SetLanguage(context.Context, commands.Meta, string) (commands.Result, error) {
	return commands.Result{}, ErrLanguageUnavailable
}
