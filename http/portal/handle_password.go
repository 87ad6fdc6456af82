package portal

import (
	"net/http"
	"time"

	"backoffice/http/httpx"
)

// "Wachtwoord wijzigen" on the settings page: the logged-in user proves
// his current password and chooses a new one (identity.ChangePassword).
// This browser stays logged in under a new session token; every other
// session of the account ends, and so does the old token (a stolen copy
// of this browser's cookie, the usual reason to change a password).

const passwordPath = "/instellingen/wachtwoord"

// passwordFields puts the command's errors at the form's fields.
var passwordFields = map[string]string{"current": "huidig", "new": "nieuw"}

func (s *Server) handleChangePassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current, next := r.PostForm.Get("huidig"), r.PostForm.Get("nieuw")
		v := s.newView(r, "", "settings.title")
		status := http.StatusUnprocessableEntity
		if next != r.PostForm.Get("nieuw2") {
			v.Errors["nieuw2"] = v.T("password.mismatch")
		} else {
			res, err := s.Identity.ChangePassword(r.Context(), meta(r), current, next, state(r).token, clientIP(r))
			if err == nil {
				s.rotateSession(w, r)
				redirectAfter(w, r, "/instellingen", res.Position, "password_changed")
				return
			}
			if !v.formError(err, passwordFields) {
				s.fail(w, r, err)
				return
			}
			if st := httpx.Status(err); st == http.StatusTooManyRequests {
				status = st
				httpx.SetRetryAfter(w, st, err)
			}
		}
		// The settings page again, the errors at the password form.
		if err := s.settingsData(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "settings", v)
	})
}

// rotateSession moves this browser to a new session token. The password
// has changed by then: a failure only leaves the old token valid, which
// is logged, not shown.
func (s *Server) rotateSession(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	next, expires, err := s.Identity.RotateSession(r.Context(), st.token)
	if err != nil {
		s.Log.WarnContext(r.Context(), "portal: rotate the session after a password change", "err", err)
		return
	}
	// The same lifetime as the login's cookie: the session keeps its end.
	http.SetCookie(w, newCookie(sessionCookie, next, st.secure, max(0, int(expires.Sub(s.Clock())/time.Second))))
}
