package identityapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

// ErrUnauthenticated: the request carries no Bearer token.
var ErrUnauthenticated = &domain.Error{Kind: domain.KindUnauthorized, Code: "unauthenticated",
	Message:   "Log in first: send Authorization: Bearer <token>.",
	MessageNL: "Log eerst in."}

// Authenticator resolves "Authorization: Bearer <token>" to the actor: a
// session token (from POST /session) or an integration token ("bo_..."). It
// never reads cookies: the API is not reachable with a browser's ambient
// credentials, so it needs no CSRF protection.
type Authenticator struct {
	auth *auth.Service
	now  func() time.Time
}

// NewAuthenticator returns the API's authenticator.
func NewAuthenticator(a *auth.Service, clock func() time.Time) (*Authenticator, error) {
	if a == nil {
		return nil, errors.New("identityapi: NewAuthenticator needs the auth service")
	}
	if clock == nil {
		clock = time.Now
	}
	return &Authenticator{auth: a, now: clock}, nil
}

// Authenticate implements api.Authenticator.
func (a *Authenticator) Authenticate(r *http.Request) (domain.Actor, error) {
	tok, ok := bearer(r)
	if !ok {
		return domain.Actor{}, ErrUnauthenticated
	}
	if strings.HasPrefix(tok, "bo_") {
		t, err := a.auth.AuthenticateToken(r.Context(), tok)
		if err != nil {
			return domain.Actor{}, err
		}
		return t.Actor(), nil
	}
	sess, err := a.auth.Authenticate(r.Context(), tok, a.now())
	if err != nil {
		return domain.Actor{}, err
	}
	return sess.Actor(), nil
}

// bearer extracts the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != "" && len(tok) <= 512
}
