package identityapi

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
)

// disableAccount: POST /accounts/{id}/disable (back office) → 200: the
// login stops at once, its sessions end and pending links die (as the
// portal's "Blokkeren"). Everyone else, and an unknown account: 404.
func (h *handlers) disableAccount(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		res, err := h.Identity.Accounts.DisableAccount(ctx, meta, identity.DisableAccount{AccountID: mux.Vars(r)["id"]})
		return res, nil, err
	})
}

// enableAccount: POST /accounts/{id}/enable (back office) → 200: a blocked
// login works again. Everyone else, and an unknown account: 404.
func (h *handlers) enableAccount(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		res, err := h.Identity.Accounts.EnableAccount(ctx, meta, identity.DisableAccount{AccountID: mux.Vars(r)["id"]})
		return res, nil, err
	})
}
