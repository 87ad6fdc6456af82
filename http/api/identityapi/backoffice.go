package identityapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/http/api"
	rm "backoffice/readmodel/identity"
)

// The back office's management ("Beheer" in the portal, docs/admin.md) as
// JSON: the same identity commands and read-model queries the portal's
// forms call. Commands and queries decide who may: the back office; a
// caller who can see the object but is not the back office gets 403,
// anyone else 404 (as for an object that does not exist).

// personRequest is a contact person as a change names it (the mobile
// number is personal data, set at registration and not changed here).
type personRequest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type changeClientDetailsRequest struct {
	Name     string         `json:"name"`
	KvK      string         `json:"kvk"`
	Address  addressRequest `json:"address"`
	Contact  personRequest  `json:"contact"`
	Language string         `json:"language,omitempty"` // of a new contact's activation mail
}

// changeClientDetails: PUT /clients/{id}/details (back office) → 200: the
// company's name, KvK number, address and contact person, all of them (as
// the portal's "Wijzigen"). A new contact address gets its own login and
// activation mail; the former contact's login stays.
func (h *handlers) changeClientDetails(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req changeClientDetailsRequest) (commands.Result, any, error) {
		res, err := h.Identity.Registration.ChangeClientDetails(ctx, meta, mux.Vars(r)["id"], client.Details{
			Name: req.Name, KvK: req.KvK, Address: req.Address.toDomain(),
			Contact: client.Contact{Name: req.Contact.Name, Email: req.Contact.Email},
		}, req.Language)
		return res, nil, err
	}))
}

type changeContactRequest struct {
	Contact  personRequest `json:"contact"`
	Language string        `json:"language,omitempty"`
}

// changeIntermediaryContact: PUT /intermediaries/{id}/contact (back office)
// → 200: the contact person; a new address gets its own login.
func (h *handlers) changeIntermediaryContact(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req changeContactRequest) (commands.Result, any, error) {
		res, err := h.Identity.Registration.ChangeIntermediaryContact(ctx, meta, mux.Vars(r)["id"],
			intermediary.Contact{Name: req.Contact.Name, Email: req.Contact.Email}, req.Language)
		return res, nil, err
	}))
}

type inviteClientUserRequest struct {
	Email    string `json:"email"`
	Language string `json:"language,omitempty"`
}

type invitedResponse struct {
	AccountID string `json:"account_id"`
	Position  string `json:"position"`
}

// inviteClientUser: POST /clients/{id}/users (back office) → 201: another
// login of the company, with the activation mail.
func (h *handlers) inviteClientUser(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req inviteClientUserRequest) (commands.Result, any, error) {
		res, reg, err := h.Identity.Registration.InviteClientUser(ctx, meta, identity.InviteClientUser{
			ClientID: mux.Vars(r)["id"], Email: req.Email, Language: req.Language})
		if err != nil {
			return res, nil, err
		}
		return res, invitedResponse{AccountID: reg.AccountID, Position: res.Position.String()}, nil
	}))
}

// staffView is the GET of a back-office view of one object: visible (the
// caller's scoped look-up of the object) answers 404 for an object the
// caller cannot see; view (a back-office-only query) then answers 403
// when it refuses a caller who sees the object.
func staffView[T any](s *api.Server, projectors []string, visible func(ctx context.Context, a domain.Actor, id string) error,
	view func(ctx context.Context, a domain.Actor, id string) ([]T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, projectors, func(ctx context.Context, a domain.Actor) (any, error) {
			id := mux.Vars(r)["id"]
			if err := visible(ctx, a, id); err != nil {
				return nil, err
			}
			items, err := view(ctx, a, id)
			if errors.Is(err, domain.ErrNotFound) {
				return nil, account.Forbidden
			}
			return list(items), err
		})
	}
}

func (h *handlers) clientVisible(ctx context.Context, a domain.Actor, id string) error {
	_, err := h.Queries.Client(ctx, a, id)
	return err
}

func (h *handlers) intermediaryVisible(ctx context.Context, a domain.Actor, id string) error {
	_, err := h.Queries.Intermediary(ctx, a, id)
	return err
}

func (h *handlers) workerVisible(ctx context.Context, a domain.Actor, id string) error {
	_, err := h.Queries.Worker(ctx, a, id)
	return err
}

// The views' waits: the object's own projector and the one of the rows.
var (
	clientAccountsWait       = []string{rm.ClientsProjector, rm.AccountsProjector}
	intermediaryAccountsWait = []string{rm.IntermediariesProjector, rm.AccountsProjector}
	workerAccountsWait       = []string{rm.WorkersProjector, rm.PlacementsProjector, rm.AccountsProjector}
)
