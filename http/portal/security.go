package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/http/httpx"
)

// ContentSecurityPolicy allows nothing inline: every script and style
// comes from /static.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxFormBytes caps a form body; the largest form (the hour grid) is far smaller.
const maxFormBytes = 64 << 10

// securityHeaders sets the headers of every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const stateKey ctxKey = iota

// reqState is what the portal knows about a request's browser.
type reqState struct {
	user   *User
	token  string // session token ("" when not logged in)
	anon   string // anonymous CSRF cookie value (before login)
	secure bool   // cookies with Secure and __Host- names
	lang   string
	csrf   string
	// uploadTooLarge: the multipart body passed maxUploadBytes and was not
	// parsed (nor its CSRF token checked).
	uploadTooLarge bool
}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey).(*reqState); ok {
		return st
	}
	return &reqState{lang: "nl"}
}

// secureRequest reports whether cookies must be Secure: always, except on
// plain HTTP to localhost (development, tests).
func secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func cookieName(base string, secure bool) string {
	if secure {
		return "__Host-" + base
	}
	return base
}

// Cookie names (the __Host- form over HTTPS). The session cookie's names
// match commands/auth.SessionCookieName.
const (
	sessionCookie = "session"
	csrfCookie    = "csrf"
	langCookie    = "lang"
)

func newCookie(name, value string, secure bool, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: cookieName(name, secure), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
}

// session finds the user from the session cookie, the language and the
// CSRF token, and puts them in the request context.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secure := secureRequest(r)
		switch s.Cookies {
		case CookiesSecure:
			secure = true
		case CookiesPlain:
			secure = false
		}
		st := &reqState{secure: secure, lang: "nl"}
		if c, err := r.Cookie(cookieName(sessionCookie, st.secure)); err == nil && c.Value != "" {
			u, err := s.Identity.Authenticate(r.Context(), c.Value)
			switch {
			case err == nil:
				st.user, st.token = &u, c.Value
			case domain.KindOf(err) == domain.KindUnauthorized:
				http.SetCookie(w, newCookie(sessionCookie, "", st.secure, -1))
			default:
				s.fail(w, r, err)
				return
			}
		}
		if c, err := r.Cookie(cookieName(langCookie, st.secure)); err == nil && validLang(c.Value) {
			st.lang = c.Value
		}
		if st.user != nil && validLang(st.user.Actor.Language) {
			st.lang = st.user.Actor.Language
		}
		if st.user == nil {
			if c, err := r.Cookie(cookieName(csrfCookie, st.secure)); err == nil && len(c.Value) >= 32 {
				st.anon = c.Value
			} else if r.Method == http.MethodGet || r.Method == http.MethodHead {
				st.anon = randomToken()
				http.SetCookie(w, newCookie(csrfCookie, st.anon, st.secure, 0))
			}
		}
		st.csrf = csrfToken(st)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey, st)))
	})
}

func validLang(l string) bool { return l == "nl" || l == "en" }

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// csrfToken binds the form token to the session (or, before login, to the
// anonymous cookie): it is a keyed hash of a secret the attacker's page
// cannot read, so no server-side store is needed and every instance
// computes the same token.
func csrfToken(st *reqState) string {
	secret := "a:" + st.anon
	if st.token != "" {
		secret = "s:" + st.token
	} else if st.anon == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte("backoffice portal csrf v1"))
	m.Write([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses every POST whose form token does not match, or whose
// Origin is another site.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		st := state(r)
		if isMultipart(r) {
			if st.user == nil {
				// No upload is anonymous: refuse before reading the body or
				// taking an upload slot. (Slow anonymous bodies from four
				// addresses held all the process's slots, and every user's
				// upload got 429.) An expired session's upload got this
				// answer anyway: the form's token is the session's.
				s.fail(w, r, errCSRF)
				httpx.DrainBody(w, r)
				return
			}
			if !doc.MayUpload(st.user.Actor) {
				// Nor takes a slot a login that may never upload.
				s.fail(w, r, doc.Forbidden)
				httpx.DrainBody(w, r)
				return
			}
			// Uploads share the process's caps with the API (429).
			release, err := httpx.Uploads.Acquire(st.user.Actor.AccountID)
			if err != nil {
				s.fail(w, r, err)
				httpx.DrainBody(w, r)
				return
			}
			defer release()
			tooLarge, err := s.parseUpload(r)
			if tooLarge && sameOrigin(r) {
				// The token is somewhere in a body too large to read. The
				// handler only renders the form with the error; it acts on
				// nothing, so an unchecked request is harmless.
				st.uploadTooLarge = true
				next.ServeHTTP(w, r)
				return
			}
			if err != nil {
				s.fail(w, r, errFormInvalid)
				return
			}
		} else {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, errFormInvalid)
				return
			}
		}
		got := r.PostForm.Get("csrf")
		if st.csrf == "" || !hmac.Equal([]byte(got), []byte(st.csrf)) || !sameOrigin(r) {
			s.fail(w, r, errCSRF)
			return
		}
		if r.MultipartForm != nil {
			defer func() { _ = r.MultipartForm.RemoveAll() }()
		}
		next.ServeHTTP(w, r)
	})
}

// maxUploadBytes bounds the body of the one multipart form ("document
// aanbieden"): the largest file plus the form's other fields and the part
// headers. It is parsed with this much memory, so files stay in memory;
// any temp file is removed after the request all the same.
const maxUploadBytes = MaxDocumentSize + 64<<10

// uploadPath and a document's versionPath are the only paths that accept
// a multipart body.
const uploadPath = "/overige/documenten"

var versionPathRE = regexp.MustCompile(`^/overige/documenten/[0-9A-Za-z_-]{1,64}/versies$`)

func acceptsUpload(path string) bool { return path == uploadPath || versionPathRE.MatchString(path) }

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

var errUploadTooLarge = errors.New("portal: upload body too large")

// parseUpload reads the multipart body of the upload form, bounded by
// maxUploadBytes (httpx.LimitBody), into r.MultipartForm and r.PostForm.
// tooLarge reports a body over the bound; its rest is drained (up to
// httpx.MaxDrainBytes) and nothing of it is kept.
func (s *Server) parseUpload(r *http.Request) (tooLarge bool, err error) {
	if !acceptsUpload(r.URL.Path) || s.Documents == nil {
		return false, errFormInvalid
	}
	r.Body = httpx.LimitBody(r, maxUploadBytes)
	err = r.ParseMultipartForm(maxUploadBytes)
	if domain.KindOf(err) != domain.KindTooLarge {
		return false, err
	}
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
		r.MultipartForm = nil
	}
	return true, err
}

var errFormInvalid = domain.Invalid("form_invalid", "", "The form could not be read.", "Het formulier kon niet worden gelezen.")

var errCSRF = &domain.Error{Kind: domain.KindForbidden, Code: "csrf",
	Message:   "This form has expired or did not come from this site. Reload the page and try again.",
	MessageNL: "Dit formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw en probeer het nog eens."}

// sameOrigin checks the Origin header when the browser sends one.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// requireLogin sends anonymous visitors to the login page, then back.
func requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if state(r).user == nil {
			back := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				back = "/"
			}
			http.Redirect(w, r, "/inloggen?terug="+url.QueryEscape(back), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// localPath returns p when it is a path on this site, else "/": redirect
// targets from forms never lead elsewhere. Browsers drop tabs and newlines
// from URLs and read a backslash as a slash, so "/\t/evil" or "/\\evil"
// would become "//evil": any control character or backslash is refused.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") ||
		strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	return p
}
