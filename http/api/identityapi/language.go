package identityapi

import (
	"context"
	"net/http"
	"strings"

	"backoffice/commands"
	"backoffice/http/api"
)

type languageRequest struct {
	Language string `json:"language"`
}

type languageResponse struct {
	Language string `json:"language"`
	Position string `json:"position"`
}

// setLanguage: PUT /me/language {"language": "en"} → 200 {language,
// position}. The caller's own account; the session's next request (GET
// /me, every mail) is in the new language. Integration tokens get 403.
func (h *handlers) setLanguage(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req languageRequest) (commands.Result, any, error) {
		res, err := h.Identity.Profile.SetLanguage(ctx, meta, req.Language)
		return res, languageResponse{Language: strings.ToLower(strings.TrimSpace(req.Language)), Position: res.Position.String()}, err
	}))
}
