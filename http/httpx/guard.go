package httpx

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"backoffice/domain"
)

// ErrBadRequestText is the 400 of a path or query parameter holding a NUL,
// another control character or invalid UTF-8.
var ErrBadRequestText = domain.Invalid("invalid_characters", "",
	"The address holds characters that are not allowed.",
	"Het adres bevat tekens die niet zijn toegestaan.")

// RejectBadText answers 400 to a request whose path or query parameters
// hold invalid UTF-8 or a control character (NUL included), before any
// handler turns them into an ID for PostgreSQL, which cannot store a NUL
// or invalid UTF-8 (SQLSTATE 22021). JSON under /api/, plain text
// elsewhere.
func RejectBadText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if badText(r.URL.Path) || badQuery(r.URL.RawQuery) {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				WriteError(w, r, nil, ErrBadRequestText)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(ErrBadRequestText.MessageNL + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badText reports invalid UTF-8 or a control character (C0, DEL, C1).
func badText(p string) bool {
	if !utf8.ValidString(p) {
		return true
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func badQuery(raw string) bool {
	if raw == "" {
		return false
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return false // handlers answer malformed queries themselves
	}
	for k, vs := range q {
		if badText(k) {
			return true
		}
		for _, v := range vs {
			if badText(v) {
				return true
			}
		}
	}
	return false
}

// StrictTransport sets Strict-Transport-Security on every answer when the
// public URL is https (a year; browsers then refuse plain http).
func StrictTransport(publicURL string) func(http.Handler) http.Handler {
	on := strings.HasPrefix(strings.ToLower(publicURL), "https://")
	return func(next http.Handler) http.Handler {
		if !on {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
			next.ServeHTTP(w, r)
		})
	}
}
