package identityapi

import (
	"net/http"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/http/api"
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
//
// It does not take part in Idempotency-Key (api.Server.Command): the key's
// request hash and the event IDs derived from it would be a fast,
// unsalted hash of the passwords, kept forever. A repeated request is safe
// without it (identity.Profile.ChangePassword).
func (h *handlers) changePassword(w http.ResponseWriter, r *http.Request) {
	a, ok := h.s.Actor(w, r)
	if !ok {
		return
	}
	req, ok := api.DecodeBody[passwordRequest](h.s, w, r)
	if !ok {
		return
	}
	tok, _ := bearer(r)
	meta := commands.Meta{Actor: a, CorrelationID: httpx.RequestID(r.Context())}
	res, err := h.Identity.Profile.ChangePassword(r.Context(), meta, identity.PasswordChange{
		Current: req.Current, New: req.New, KeepSession: tok, IP: h.ClientIP(r)})
	if err != nil {
		h.s.Error(w, r, err)
		return
	}
	api.WritePosition(w, http.StatusOK, res)
}
