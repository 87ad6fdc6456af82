package identityapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/http/api"
	"backoffice/http/httpx"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (l *loginRequest) Validate() error {
	if strings.TrimSpace(l.Email) == "" {
		return domain.Invalid("required", "email", "The e-mail address is required.", "Het e-mailadres is verplicht.")
	}
	if l.Password == "" {
		return domain.Invalid("required", "password", "The password is required.", "Het wachtwoord is verplicht.")
	}
	return nil
}

type me struct {
	AccountID      string `json:"account_id"`
	Email          string `json:"email,omitempty"`
	Role           string `json:"role"`
	IntermediaryID string `json:"intermediary_id,omitempty"`
	ClientID       string `json:"client_id,omitempty"`
	WorkerID       string `json:"worker_id,omitempty"`
	Language       string `json:"language"`
}

type sessionResponse struct {
	Token         string    `json:"token"`
	ExpiresAt     time.Time `json:"expires_at"`
	IdleExpiresAt time.Time `json:"idle_expires_at"`
	Account       me        `json:"account"`
}

// login: POST /session {email, password} → 201 {token, ...}. The token is
// sent back as "Authorization: Bearer <token>".
func (h *handlers) login(w http.ResponseWriter, r *http.Request) {
	req, ok := api.DecodeBody[loginRequest](h.s, w, r)
	if !ok {
		return
	}
	tok, sess, err := h.Auth.Login(r.Context(), req.Email, req.Password, h.ClientIP(r), h.Clock(),
		auth.WithUserAgent(r.UserAgent()))
	if err != nil {
		h.s.Error(w, r, err)
		return
	}
	a := sess.Actor()
	httpx.WriteJSON(w, http.StatusCreated, sessionResponse{
		Token: tok, ExpiresAt: sess.ExpiresAt, IdleExpiresAt: sess.IdleExpiresAt,
		Account: me{AccountID: a.AccountID, Email: sess.Email, Role: string(a.Role), IntermediaryID: a.IntermediaryID,
			ClientID: a.ClientID, WorkerID: a.WorkerID, Language: a.Language},
	})
}

// logout: DELETE /session ends the session of the bearer token → 204.
func (h *handlers) logout(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.s.Actor(w, r); !ok {
		return
	}
	tok, _ := bearer(r)
	if err := h.Auth.Logout(r.Context(), tok); err != nil {
		h.s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// me: GET /me → who is asking.
func (h *handlers) me(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, nil, func(ctx context.Context, a domain.Actor) (any, error) {
		out := me{AccountID: a.AccountID, Role: string(a.Role), IntermediaryID: a.IntermediaryID,
			ClientID: a.ClientID, WorkerID: a.WorkerID, Language: a.Language}
		if strings.HasPrefix(a.AccountID, "token:") {
			return out, nil
		}
		acc, err := h.Auth.Account(ctx, a.AccountID)
		if err != nil {
			return nil, err
		}
		out.Email = acc.Email
		return out, nil
	})
}

type tokenPasswordRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (t *tokenPasswordRequest) Validate() error {
	if t.Token == "" {
		return domain.Invalid("required", "token", "The token from the link is required.", "De code uit de link is verplicht.")
	}
	return auth.ValidatePassword(t.Password)
}

// setPasswordByToken is the handler of a link's new password: set runs
// with the link's token (anonymous: the token is the proof) and the
// password; the answer is {position}.
func (h *handlers) setPasswordByToken(set func(ctx context.Context, token, password string) (commands.Result, string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, ok := api.DecodeBody[tokenPasswordRequest](h.s, w, r)
		if !ok {
			return
		}
		res, _, err := set(r.Context(), req.Token, req.Password)
		if err != nil {
			h.s.Error(w, r, err)
			return
		}
		api.WritePosition(w, http.StatusOK, res)
	}
}

type emailRequest struct {
	Email string `json:"email"`
}

type acceptedResponse struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// requestLink: POST /password-reset and POST /activation/reissue {email} →
// 202, the same answer whether or not the address is known.
func (h *handlers) requestLink(w http.ResponseWriter, r *http.Request) {
	req, ok := api.DecodeBody[emailRequest](h.s, w, r)
	if !ok {
		return
	}
	if err := h.LinkMails.Request(r.Context(), req.Email, h.ClientIP(r)); err != nil {
		h.s.Error(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusAccepted, acceptedResponse{Status: "accepted",
		Message: "If an account with this e-mail address exists, a link is on its way."})
}
