package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// meta is the command metadata of a form submission.
func meta(r *http.Request) commands.Meta {
	m := commands.Meta{CorrelationID: httpx.RequestID(r.Context())}
	if u := state(r).user; u != nil {
		m.Actor = u.Actor
	}
	if k := r.PostForm.Get("sleutel"); len(k) <= 64 {
		m.IdempotencyKey = k
	}
	if m.IdempotencyKey != "" {
		// A resubmitted form may have run already (a double click, a
		// reload after a lost answer): the handler looks for its events.
		// Another submission of a form under the same key (back button,
		// changed values) is a different command.
		m.Retry = true
		m.Command = formIdentity(r)
	}
	return m
}

// formIdentity names a form submission: method, path and the submitted
// values without the per-session and per-form tokens.
func formIdentity(r *http.Request) string {
	keys := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		if k != "csrf" && k != "sleutel" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
	for _, k := range keys {
		fmt.Fprintf(h, "%q=%q\n", k, r.PostForm[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func actor(r *http.Request) domain.Actor {
	if u := state(r).user; u != nil {
		return u.Actor
	}
	return domain.Actor{}
}

func (s *Server) handleLoginPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if state(r).user != nil {
			http.Redirect(w, r, localPath(r.URL.Query().Get("terug")), http.StatusSeeOther)
			return
		}
		v := s.newView(r, "", "login.title")
		v.Form.Set("terug", r.URL.Query().Get("terug"))
		s.render(w, r, http.StatusOK, "login", v)
	})
}

type loginForm struct {
	Email, Password, Back string
}

func parseLoginForm(r *http.Request) loginForm {
	return loginForm{
		Email:    strings.TrimSpace(r.PostForm.Get("email")),
		Password: r.PostForm.Get("password"),
		Back:     localPath(r.PostForm.Get("terug")),
	}
}

func (s *Server) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := parseLoginForm(r)
		st := state(r)
		sess, err := s.Identity.Login(r.Context(), f.Email, f.Password, Client{IP: clientIP(r), UserAgent: r.UserAgent()})
		if err != nil {
			v := s.newView(r, "", "login.title")
			v.Form.Set("email", f.Email)
			v.Form.Set("terug", f.Back)
			if !v.formError(err, nil) {
				s.fail(w, r, err)
				return
			}
			httpx.SetRetryAfter(w, httpx.Status(err), err)
			s.render(w, r, httpx.Status(err), "login", v)
			return
		}
		// A login in a browser that still holds a session replaces it:
		// end the old one on the server too.
		if st.token != "" && st.token != sess.Token {
			if err := s.Identity.Logout(r.Context(), st.token); err != nil {
				s.Log.WarnContext(r.Context(), "portal: end the previous session", "err", err)
			}
		}
		maxAge := 0
		if !sess.ExpiresAt.IsZero() {
			maxAge = max(0, int(sess.ExpiresAt.Sub(s.Clock())/time.Second))
		}
		http.SetCookie(w, newCookie(sessionCookie, sess.Token, st.secure, maxAge))
		http.SetCookie(w, newCookie(csrfCookie, "", st.secure, -1))
		if validLang(sess.User.Actor.Language) {
			http.SetCookie(w, newCookie(langCookie, sess.User.Actor.Language, st.secure, 365*24*3600))
		}
		http.Redirect(w, r, f.Back, http.StatusSeeOther)
	})
}

func clientIP(r *http.Request) string { return httpx.ClientIP(r) }

func (s *Server) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if st.token != "" {
			if err := s.Identity.Logout(r.Context(), st.token); err != nil {
				s.Log.WarnContext(r.Context(), "portal: logout failed", "err", err)
			}
		}
		http.SetCookie(w, newCookie(sessionCookie, "", st.secure, -1))
		redirectAfter(w, r, "/inloggen", eventstore.Start, "logged_out")
	})
}

// handleLanguage switches the language: stored in the account when logged
// in, and in a cookie for the login pages.
func (s *Server) handleLanguage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		lang := r.PostForm.Get("taal")
		if !validLang(lang) {
			lang = "nl"
		}
		back := localPath(r.PostForm.Get("terug"))
		http.SetCookie(w, newCookie(langCookie, lang, st.secure, 365*24*3600))
		res := commands.Result{}
		if st.user != nil {
			var err error
			res, err = s.Identity.SetLanguage(r.Context(), meta(r), lang)
			if err != nil {
				s.fail(w, r, err)
				return
			}
		}
		back = stripQuery(back, "na", "ok")
		redirectAfter(w, r, back, res.Position, "")
	})
}

// stripQuery removes keys from the query of a local path.
func stripQuery(p string, keys ...string) string {
	path, q, ok := strings.Cut(p, "?")
	if !ok {
		return p
	}
	var keep []string
	for _, kv := range strings.Split(q, "&") {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, key := range keys {
			if k == key {
				drop = true
			}
		}
		if !drop && kv != "" {
			keep = append(keep, kv)
		}
	}
	if len(keep) == 0 {
		return path
	}
	return path + "?" + strings.Join(keep, "&")
}

// passwordPage is the activation and the reset page: both choose a password
// with a token from a mail.
type passwordPage struct {
	Heading, Intro, Action string
	// Expired: the link's token was refused (expired or used). The page
	// then offers a new link instead of the form, which could only fail
	// again (a worker's activation mail is 72 hours valid).
	Expired bool
}

func (s *Server) passwordView(r *http.Request, activation bool) *view {
	if activation {
		v := s.newView(r, "", "activate.title")
		v.Data = passwordPage{Heading: v.T("activate.title"), Intro: v.T("activate.intro"), Action: "/activeren"}
		return v
	}
	v := s.newView(r, "", "reset.title")
	v.Data = passwordPage{Heading: v.T("reset.title"), Intro: v.T("reset.intro"), Action: "/wachtwoord-herstellen"}
	return v
}

func (s *Server) handleActivatePage() http.Handler { return s.handlePasswordPage(true) }
func (s *Server) handleResetPage() http.Handler    { return s.handlePasswordPage(false) }

func (s *Server) handlePasswordPage(activation bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.passwordView(r, activation)
		v.Form.Set("token", r.URL.Query().Get("token"))
		s.render(w, r, http.StatusOK, "activate", v)
	})
}

type passwordForm struct {
	Token, Password, Repeat string
}

func parsePasswordForm(r *http.Request) passwordForm {
	return passwordForm{Token: r.PostForm.Get("token"), Password: r.PostForm.Get("password"), Repeat: r.PostForm.Get("password2")}
}

func (s *Server) handleActivate() http.Handler { return s.handleChoosePassword(true) }
func (s *Server) handleReset() http.Handler    { return s.handleChoosePassword(false) }

func (s *Server) handleChoosePassword(activation bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := parsePasswordForm(r)
		v := s.passwordView(r, activation)
		v.Form.Set("token", f.Token)
		if f.Password != f.Repeat {
			v.Errors["password2"] = v.T("password.mismatch")
			s.render(w, r, http.StatusUnprocessableEntity, "activate", v)
			return
		}
		var res commands.Result
		var err error
		if activation {
			res, err = s.Identity.Activate(r.Context(), f.Token, f.Password)
		} else {
			res, err = s.Identity.ResetPassword(r.Context(), f.Token, f.Password)
		}
		if err != nil {
			if errors.Is(err, &domain.Error{Code: "token_invalid"}) {
				p := v.Data.(passwordPage)
				p.Expired = true
				v.Data = p
			}
			s.showFormError(w, r, v, "activate", err, map[string]string{"password": "password", "new_password": "password"})
			return
		}
		redirectAfter(w, r, "/inloggen", res.Position, "password_set")
	})
}

func (s *Server) handleForgotPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, "forgot", s.newView(r, "", "forgot.title"))
	})
}

func (s *Server) handleForgot() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email := strings.TrimSpace(r.PostForm.Get("email"))
		v := s.newView(r, "", "forgot.title")
		if err := s.Identity.RequestPasswordReset(r.Context(), email, clientIP(r)); err != nil {
			v.Form.Set("email", email)
			s.showFormError(w, r, v, "forgot", err, map[string]string{"email": "email"})
			return
		}
		redirectAfter(w, r, "/wachtwoord-vergeten", eventstore.Start, "reset_sent")
	})
}
