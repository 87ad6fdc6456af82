package identityapi

import (
	"context"
	"net/http"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/http/httpx"
)

type passwordRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// changePassword: PUT /me/password {current, new} → 200 {position}. The
// caller's own account; his session stays valid, every other session of
// the account ends. Wrong current passwords count as failed logins
// (429 too_many_login_attempts). Integration tokens get 403.
func (h *handlers) changePassword(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		req, err := httpx.Decode[passwordRequest](w, r)
		if err != nil {
			return commands.Result{}, nil, err
		}
		tok, _ := bearer(r)
		res, err := h.Identity.Profile.ChangePassword(ctx, meta, identity.PasswordChange{
			Current: req.Current, New: req.New, KeepSession: tok, IP: h.ClientIP(r)})
		if err != nil {
			return res, nil, err
		}
		return res, positionResponse{Position: res.Position.String()}, nil
	})
}
