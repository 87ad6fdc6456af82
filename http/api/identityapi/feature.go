// Package identityapi is the identity slice of the JSON API: sessions,
// activation and password-reset links, intermediaries, clients and their
// agreements, workers (registration and detail with per-field personal
// data), placements and integration tokens. It also provides the
// api.Authenticator of the whole API (Bearer session or integration token).
package identityapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/http/api"
	"backoffice/http/httpx"
	"backoffice/notify/linkmail"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/identity"
)

// Deps are the feature's collaborators.
type Deps struct {
	Identity *identity.Handlers
	// LinkMails mails activation and reset links on request.
	LinkMails *linkmail.Requests
	Auth      *auth.Service
	Queries   *rm.Queries
	// Ledger is the event store "?as_of=" replays from (GET /placements/{id}).
	Ledger asof.StreamReader
	Clock  func() time.Time // default time.Now
	// ClientIP returns the address login throttling counts per; default
	// httpx.ClientIP (the peer, or the client a trusted proxy names).
	ClientIP func(r *http.Request) string
}

// Feature implements api.Feature.
type Feature struct {
	d Deps
}

// New returns the identity API feature.
func New(d Deps) (*Feature, error) {
	if d.Identity == nil || d.LinkMails == nil || d.Auth == nil || d.Queries == nil || d.Ledger == nil {
		return nil, errors.New("identityapi: Identity, LinkMails, Auth, Queries and Ledger are required")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.ClientIP == nil {
		d.ClientIP = httpx.ClientIP
	}
	return &Feature{d: d}, nil
}

var _ api.Feature = (*Feature)(nil)

// Routes registers every route of the feature on the /api/v1 subrouter.
// GET /placements/{id}/weeks belongs to the timesheet feature.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	h := &handlers{Deps: f.d, s: s}
	r.HandleFunc("/session", h.login).Methods(http.MethodPost)
	r.HandleFunc("/session", h.logout).Methods(http.MethodDelete)
	r.HandleFunc("/me", h.me).Methods(http.MethodGet)
	r.HandleFunc("/me/language", h.setLanguage).Methods(http.MethodPut)
	// POST /activation and /password-reset/complete {token, password} → 200
	// {position}: the new password, by the token from the link; the user
	// logs in afterwards.
	r.HandleFunc("/activation", h.setPasswordByToken(h.Identity.Activation.Activate)).Methods(http.MethodPost)
	r.HandleFunc("/activation/reissue", h.requestLink).Methods(http.MethodPost)
	r.HandleFunc("/password-reset", h.requestLink).Methods(http.MethodPost)
	r.HandleFunc("/password-reset/complete", h.setPasswordByToken(h.Identity.Activation.CompletePasswordReset)).Methods(http.MethodPost)

	r.HandleFunc("/intermediaries", h.registerIntermediary).Methods(http.MethodPost)
	r.HandleFunc("/intermediaries", queryList(s, rm.IntermediariesProjector, h.Queries.IntermediariesPage)).Methods(http.MethodGet)
	r.Handle("/intermediaries/{id}", api.QueryByVar(s, []string{rm.IntermediariesProjector}, "id", h.Queries.Intermediary)).Methods(http.MethodGet)

	r.HandleFunc("/clients", h.registerClient).Methods(http.MethodPost)
	r.HandleFunc("/clients", queryList(s, rm.ClientsProjector, h.Queries.ClientsPage)).Methods(http.MethodGet)
	r.Handle("/clients/{id}", api.QueryByVar(s, []string{rm.ClientsProjector}, "id", h.Queries.Client)).Methods(http.MethodGet)
	r.HandleFunc("/clients/{id}/agreement", h.changeAgreement).Methods(http.MethodPost)

	r.HandleFunc("/workers", h.registerWorker).Methods(http.MethodPost)
	r.HandleFunc("/workers/{id}", h.getWorker).Methods(http.MethodGet)
	r.HandleFunc("/workers/{id}/erase-personal-data", h.erasePersonalData).Methods(http.MethodPost)

	r.HandleFunc("/placements", h.listPlacements).Methods(http.MethodGet)
	r.HandleFunc("/placements/{id}", h.getPlacement).Methods(http.MethodGet)
	r.HandleFunc("/placements/{id}/end", h.endPlacement).Methods(http.MethodPost)
	// A further placement of a registered worker, and a correction
	// (placement_changes.go).
	r.HandleFunc("/workers/{id}/placements", h.startPlacement).Methods(http.MethodPost)
	r.HandleFunc("/placements/{id}/correction", h.correctPlacement).Methods(http.MethodPost)

	r.HandleFunc("/tokens", h.createToken).Methods(http.MethodPost)
	r.HandleFunc("/tokens", h.listTokens).Methods(http.MethodGet)
	r.HandleFunc("/tokens/{id}", h.revokeToken).Methods(http.MethodDelete)

	r.HandleFunc("/accounts", h.listAccounts).Methods(http.MethodGet)

	// The signer's mobile number for the TAN by SMS (mobile.go).
	r.HandleFunc("/me/mobile", h.setMyMobile).Methods(http.MethodPut)
	r.HandleFunc("/me/mobile", h.getMyMobile).Methods(http.MethodGet)
	r.HandleFunc("/accounts/{id}/mobile", h.setAccountMobile).Methods(http.MethodPut)
	r.HandleFunc("/accounts/{id}/disable", h.disableAccount).Methods(http.MethodPost) // block.go
	r.HandleFunc("/accounts/{id}/enable", h.enableAccount).Methods(http.MethodPost)

	// The caller's own password (password.go).
	r.HandleFunc("/me/password", h.changePassword).Methods(http.MethodPut)

	// The portal's "Beheer" as JSON (backoffice.go, docs/admin.md "Portal
	// and API parity").
	r.HandleFunc("/clients/{id}/details", h.changeClientDetails).Methods(http.MethodPut)
	r.Handle("/clients/{id}/agreements", staffView(s, []string{rm.ClientsProjector}, h.clientVisible, h.Queries.AgreementVersions)).Methods(http.MethodGet)
	r.Handle("/clients/{id}/users", staffView(s, clientAccountsWait, h.clientVisible, h.Queries.ClientAccounts)).Methods(http.MethodGet)
	r.HandleFunc("/clients/{id}/users", h.inviteClientUser).Methods(http.MethodPost)
	r.HandleFunc("/intermediaries/{id}/contact", h.changeIntermediaryContact).Methods(http.MethodPut)
	r.Handle("/intermediaries/{id}/users", staffView(s, intermediaryAccountsWait, h.intermediaryVisible, h.Queries.IntermediaryAccounts)).Methods(http.MethodGet)
	r.Handle("/workers/{id}/users", staffView(s, workerAccountsWait, h.workerVisible, h.Queries.WorkerAccounts)).Methods(http.MethodGet)
}

type handlers struct {
	Deps
	s *api.Server
}
