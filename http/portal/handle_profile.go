package portal

import (
	"net/http"
	"strings"
)

// "Mijn gegevens": the user's own mobile number, to which the TAN of a
// signature request goes by SMS (manual §5.1). The number is personal
// data: it is shown to its owner only, posted in the body, never in a URL.

const profilePath = "/mijn-gegevens"

type profilePage struct {
	Mobile string // E.164, "" when none
}

func (s *Server) handleProfilePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "", "profile.title")
		mobile, err := s.Identity.profile.MyMobile(r.Context(), meta(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Form.Set("mobiel", mobile)
		v.Data = profilePage{Mobile: mobile}
		s.render(w, r, http.StatusOK, "profile", v)
	})
}

func (s *Server) handleProfile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "", "profile.title")
		mobile := strings.TrimSpace(r.PostForm.Get("mobiel"))
		v.Form.Set("mobiel", mobile)
		res, err := s.Identity.profile.SetMobile(r.Context(), meta(r), mobile)
		if err == nil {
			redirectAfter(w, r, profilePath, res.Position, "profile_saved")
			return
		}
		if !v.formError(err, map[string]string{"mobile": "mobile"}) {
			s.fail(w, r, err)
			return
		}
		v.Data = profilePage{}
		s.render(w, r, http.StatusUnprocessableEntity, "profile", v)
	})
}
