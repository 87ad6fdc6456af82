package portal

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	rmid "backoffice/readmodel/identity"
)

// An intermediary's logins on its page: changing the contact creates a
// login for the new address and leaves the former contact's; the back
// office blocks that one here, as it does a client's user.

// IntermediaryUsers lists an intermediary's logins (back office only).
func (x *adminApp) IntermediaryUsers(ctx context.Context, a domain.Actor, intermediaryID string) ([]rmid.Account, error) {
	return x.queries.IntermediaryAccounts(ctx, a, intermediaryID)
}

// SetIntermediaryUser blocks or unblocks one of the intermediary's
// logins; an account that is not the intermediary's is not found.
func (x *adminApp) SetIntermediaryUser(ctx context.Context, m commands.Meta, intermediaryID, accountID string, enable bool) (commands.Result, error) {
	users, err := x.queries.IntermediaryAccounts(ctx, m.Actor, intermediaryID)
	if err != nil {
		return commands.Result{}, err
	}
	return setLoginAmong(ctx, x.accounts, m, users, accountID, enable)
}

func (s *Server) handleIntermediaryUser(enable bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		flash := "admin_user_disabled"
		if enable {
			flash = "admin_user_enabled"
		}
		res, err := s.Admin.SetIntermediaryUser(r.Context(), meta(r), id, mux.Vars(r)["account"], enable)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		redirectAfter(w, r, "/beheer/intermediairs/"+url.PathEscape(id)+"#gebruikers", res.Position, flash)
	})
}
