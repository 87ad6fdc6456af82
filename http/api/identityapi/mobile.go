package identityapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/http/api"
)

// The mobile number the TAN of a signature request goes to by SMS (manual
// §5.1). Personal data: stored encrypted, never in an event or a URL.

type mobileRequest struct {
	Mobile string `json:"mobile"` // "" removes the number
}

type mobileResponse struct {
	Mobile   string `json:"mobile"` // E.164, "" when none
	Position string `json:"position"`
}

// setMyMobile: PUT /me/mobile {"mobile": "06 12345678"} → 200
// {"mobile": "+31612345678"}. The caller's own account; integration tokens
// get 403.
func (h *handlers) setMyMobile(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req mobileRequest) (commands.Result, any, error) {
		res, err := h.Identity.Profile.SetMobile(ctx, meta, req.Mobile)
		return h.mobileSet(ctx, meta.Actor.AccountID, res, err)
	}))
}

// setAccountMobile: PUT /accounts/{id}/mobile (back office, or the account
// itself): as PUT /me/mobile for that account. Others get 404.
func (h *handlers) setAccountMobile(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req mobileRequest) (commands.Result, any, error) {
		id := mux.Vars(r)["id"]
		res, err := h.Identity.Profile.SetAccountMobile(ctx, meta, id, req.Mobile)
		return h.mobileSet(ctx, id, res, err)
	}))
}

// mobileSet answers a change of the account's mobile number with the
// number as stored (E.164).
func (h *handlers) mobileSet(ctx context.Context, accountID string, res commands.Result, err error) (commands.Result, any, error) {
	if err != nil {
		return res, nil, err
	}
	m, err := h.Identity.Profile.MobileOf(ctx, accountID)
	return res, mobileResponse{Mobile: m, Position: res.Position.String()}, err
}

type myMobileResponse struct {
	Mobile string `json:"mobile"` // E.164, "" when none
}

// getMyMobile: GET /me/mobile → {"mobile": "+31612345678"}: the caller's
// own number, as the portal's "Mijn gegevens" shows it. Integration
// tokens get 403.
func (h *handlers) getMyMobile(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, nil, func(ctx context.Context, a domain.Actor) (any, error) {
		if strings.HasPrefix(a.AccountID, "token:") {
			return nil, account.Forbidden
		}
		m, err := h.Identity.Profile.MyMobile(ctx, commands.Meta{Actor: a})
		if err != nil {
			return nil, err
		}
		return myMobileResponse{Mobile: m}, nil
	})
}
