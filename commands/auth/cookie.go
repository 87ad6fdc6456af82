package auth

import (
	"net/http"
	"time"
)

// Session cookie names. The __Host- prefix makes browsers insist on
// Secure, Path=/ and no Domain, so a sibling subdomain cannot plant one.
const (
	CookieNameSecure   = "__Host-session"
	CookieNameInsecure = "session" // plain-HTTP localhost only
)

// SessionCookieName is the cookie name for the given transport.
func SessionCookieName(secure bool) string {
	if secure {
		return CookieNameSecure
	}
	return CookieNameInsecure
}

// SessionCookie is the cookie carrying a session token: HttpOnly,
// SameSite=Lax, Path=/, Secure unless secure is false (plain-HTTP
// localhost; the caller decides). maxAge > 0 sets Max-Age (use the
// absolute timeout); 0 makes it a browser-session cookie.
func SessionCookie(token string, secure bool, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{
		Name:     SessionCookieName(secure),
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// ClearSessionCookie deletes the session cookie in the browser (logout).
func ClearSessionCookie(secure bool) *http.Cookie {
	c := SessionCookie("", secure, 0)
	c.MaxAge = -1
	return c
}

// SessionToken reads the session token from a request ("" when absent).
func SessionToken(r *http.Request, secure bool) string {
	c, err := r.Cookie(SessionCookieName(secure))
	if err != nil {
		return ""
	}
	return c.Value
}
