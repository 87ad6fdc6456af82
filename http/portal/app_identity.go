package portal

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/notify/linkmail"
	rmid "backoffice/readmodel/identity"
)

// identityApp is logins, sessions and account settings: commands/auth
// (sessions), commands/identity (activation, password reset, language) and
// readmodel/identity (display names).
type identityApp struct {
	auth       *auth.Service
	activation *identity.Activation
	linkMails  *linkmail.Requests
	profile    *identity.Profile
	names      *rmid.Queries
	clock      func() time.Time
}

// userOf is the portal user of a session, with the name the header shows
// (one indexed look-up in the read models; the e-mail address until the
// account is projected).
func (i *identityApp) userOf(ctx context.Context, s auth.Session) (User, error) {
	name, err := i.names.DisplayName(ctx, s.AccountID)
	if err != nil {
		return User{}, err
	}
	return User{Actor: s.Actor(), Email: s.Email, Name: name}, nil
}

// Login is the login form.
func (i *identityApp) Login(ctx context.Context, email, password string, c Client) (Session, error) {
	tok, s, err := i.auth.Login(ctx, email, password, c.IP, i.clock(), auth.WithUserAgent(c.UserAgent))
	if err != nil {
		return Session{}, err
	}
	u, err := i.userOf(ctx, s)
	if err != nil {
		// Nobody gets the token: end the session rather than leave it.
		_ = i.auth.Logout(context.WithoutCancel(ctx), tok)
		return Session{}, err
	}
	return Session{Token: tok, User: u, ExpiresAt: s.ExpiresAt}, nil
}

// Authenticate is the login form. The session is read from the
// credentials row on every request, so a changed language applies from
// the next request on.
func (i *identityApp) Authenticate(ctx context.Context, token string) (User, error) {
	s, err := i.auth.Authenticate(ctx, token, i.clock())
	if err != nil {
		return User{}, err
	}
	return i.userOf(ctx, s)
}

// Logout is the login form.
func (i *identityApp) Logout(ctx context.Context, token string) error {
	return i.auth.Logout(ctx, token)
}

// Activate is the login form.
func (i *identityApp) Activate(ctx context.Context, token, password string) (commands.Result, error) {
	res, _, err := i.activation.Activate(ctx, token, password)
	return res, err
}

// RequestPasswordReset: linkmail.Requests.Request
// answers unknown addresses like known ones.
func (i *identityApp) RequestPasswordReset(ctx context.Context, email, ip string) error {
	return i.linkMails.Request(ctx, email, ip)
}

// ResetPassword is the login form.
func (i *identityApp) ResetPassword(ctx context.Context, token, password string) (commands.Result, error) {
	res, _, err := i.activation.CompletePasswordReset(ctx, token, password)
	return res, err
}

// SetLanguage: the logged-in user's own
// account (identity.SetLanguage).
func (i *identityApp) SetLanguage(ctx context.Context, m commands.Meta, lang string) (commands.Result, error) {
	return i.profile.SetLanguage(ctx, m, lang)
}

// RotateSession gives this browser's session a new token (after a
// password change); the old token stops working.
func (i *identityApp) RotateSession(ctx context.Context, token string) (string, time.Time, error) {
	next, sess, err := i.auth.RotateSession(ctx, token)
	return next, sess.ExpiresAt, err
}

// ChangePassword: the logged-in user's own password
// (identity.ChangePassword); his session (token) stays, the others end.
func (i *identityApp) ChangePassword(ctx context.Context, m commands.Meta, current, next, token, ip string) (commands.Result, error) {
	return i.profile.ChangePassword(ctx, m, identity.PasswordChange{Current: current, New: next, KeepSession: token, IP: ip})
}
