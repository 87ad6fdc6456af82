package portal

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/domain"
)

// The signing screen behind the unique link of the signing mail (manual
// §5.1: "alleen ... met behulp van de email met de unieke link en de
// TAN-code"): /documenten/{id}/ondertekenen/{token}. The token opens that
// request's screen for its signer, after login, and nothing else; another
// user gets 403, a user who may not see the document 404. The portal's
// access log records route templates, so the token stays out of it.

// OpenSignLink checks a signing link's token for actor.
func (d *documentApp) OpenSignLink(ctx context.Context, actor domain.Actor, id, token string) error {
	return d.commands.OpenSignLink(ctx, actor, id, token)
}

// signLinkOK checks the link of r; on a refusal it has answered.
func (s *Server) signLinkOK(w http.ResponseWriter, r *http.Request) bool {
	vars := mux.Vars(r)
	if err := s.Documents.OpenSignLink(r.Context(), actor(r), vars["id"], vars["token"]); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

// handleSignLinkPage is the signing screen, opened by the mail's link.
func (s *Server) handleSignLinkPage() http.Handler {
	page := s.handleSignPage()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.signLinkOK(w, r) {
			page.ServeHTTP(w, r)
		}
	})
}

// handleSignLink is the signing form ("Akkoord" / "Niet akkoord") posted
// from the screen the link opened.
func (s *Server) handleSignLink() http.Handler {
	form := s.handleSign()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.signLinkOK(w, r) {
			form.ServeHTTP(w, r)
		}
	})
}
