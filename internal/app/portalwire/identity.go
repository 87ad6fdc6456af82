package portalwire

import (
	"context"
	"errors"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/http/portal"
	rmid "backoffice/readmodel/identity"
)

// Identity adapts commands/auth (sessions), commands/identity (activation,
// password reset, language) and readmodel/identity (display names) to
// portal.Identity.
type Identity struct {
	auth    *auth.Service
	service *identity.Service
	names   *rmid.Queries
	clock   func() time.Time
}

var _ portal.Identity = (*Identity)(nil)

// NewIdentity returns the adapter; every dependency is required. Display
// names are read from the identity read models in the identity service's
// database.
func NewIdentity(a *auth.Service, svc *identity.Service, names *rmid.Queries, clock func() time.Time) (*Identity, error) {
	if a == nil || svc == nil || names == nil || clock == nil {
		return nil, errors.New("portalwire: NewIdentity: auth, identity service, identity queries and clock are required")
	}
	return &Identity{auth: a, service: svc, names: names, clock: clock}, nil
}

// userOf is the portal user of a session, with the name the header shows
// (one indexed look-up in the read models; the e-mail address until the
// account is projected).
func (i *Identity) userOf(ctx context.Context, s auth.Session) (portal.User, error) {
	name, err := i.names.DisplayName(ctx, s.AccountID)
	if err != nil {
		return portal.User{}, err
	}
	return portal.User{Actor: s.Actor(), Email: s.Email, Name: name}, nil
}

// Login implements portal.Identity.
func (i *Identity) Login(ctx context.Context, email, password string, c portal.Client) (portal.Session, error) {
	tok, s, err := i.auth.Login(ctx, email, password, c.IP, i.clock(), auth.WithUserAgent(c.UserAgent))
	if err != nil {
		return portal.Session{}, err
	}
	u, err := i.userOf(ctx, s)
	if err != nil {
		// Nobody gets the token: end the session rather than leave it.
		_ = i.auth.Logout(context.WithoutCancel(ctx), tok)
		return portal.Session{}, err
	}
	return portal.Session{Token: tok, User: u, ExpiresAt: s.ExpiresAt}, nil
}

// Authenticate implements portal.Identity. The session is read from the
// credentials row on every request, so a changed language applies from
// the next request on.
func (i *Identity) Authenticate(ctx context.Context, token string) (portal.User, error) {
	s, err := i.auth.Authenticate(ctx, token, i.clock())
	if err != nil {
		return portal.User{}, err
	}
	return i.userOf(ctx, s)
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

// SetLanguage implements portal.Identity: the logged-in user's own
// account (identity.SetLanguage).
func (i *Identity) SetLanguage(ctx context.Context, m commands.Meta, lang string) (commands.Result, error) {
	return i.service.SetLanguage(ctx, m, lang)
}
