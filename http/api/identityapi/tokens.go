package identityapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/http/api"
	rm "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

type createTokenRequest struct {
	Role  string `json:"role"` // payroll or auditor
	Label string `json:"label"`
}

type tokenCreatedResponse struct {
	ID       string `json:"id"`
	Token    string `json:"token"` // shown once
	Role     string `json:"role"`
	Label    string `json:"label"`
	Position string `json:"position"`
}

// createToken: POST /tokens (back office) → 201 with the secret, once.
func (h *handlers) createToken(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req createTokenRequest) (commands.Result, any, error) {
		res, t, err := h.Identity.Tokens.CreateToken(ctx, meta, domain.Role(req.Role), req.Label)
		if err != nil {
			return res, nil, err
		}
		w.Header().Set("Cache-Control", "no-store")
		return res, tokenCreatedResponse{ID: t.ID, Token: t.Secret, Role: string(t.Role), Label: t.Label,
			Position: res.Position.String()}, nil
	}))
}

type tokenView struct {
	ID        string     `json:"id"`
	Role      string     `json:"role"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// LastUsedAt is recorded at most once a minute; absent if never used.
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// listTokens: GET /tokens (back office), without secrets.
func (h *handlers) listTokens(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, nil, func(ctx context.Context, a domain.Actor) (any, error) {
		ts, err := h.Identity.Tokens.Tokens(ctx, a)
		if err != nil {
			return nil, err
		}
		out := make([]tokenView, len(ts))
		for i, t := range ts {
			out[i] = tokenView{ID: t.ID, Role: string(t.Role), Label: t.Label, CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
		}
		return list(out), nil
	})
}

// revokeToken: DELETE /tokens/{id} (back office) → 200.
func (h *handlers) revokeToken(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		res, err := h.Identity.Tokens.RevokeToken(ctx, meta, mux.Vars(r)["id"])
		return res, nil, err
	})
}

// listAccounts: GET /accounts (back office, auditors) → every login.
func (h *handlers) listAccounts(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, []string{rm.AccountsProjector}, func(ctx context.Context, a domain.Actor) (any, error) {
		if !a.Is(domain.RoleBackoffice, domain.RoleSystem, domain.RoleAuditor) {
			return nil, domain.Forbidden("forbidden", "You are not allowed to do this.", "U heeft hiervoor geen rechten.")
		}
		page, err := paging.Parse(r.URL.Query().Get("limit"), r.URL.Query().Get("cursor"))
		if err != nil {
			return nil, err
		}
		return h.Queries.AccountsPage(ctx, a, page)
	})
}
