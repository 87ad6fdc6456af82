package identityapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
	"backoffice/domain/worker"
	"backoffice/http/api"
	rm "backoffice/readmodel/identity"
)

type nameRequest struct {
	First string `json:"first"`
	Infix string `json:"infix,omitempty"`
	Last  string `json:"last"`
}

// registerWorkerRequest is "nieuwe werknemer inschrijven". Personal fields
// are top-level so error fields ("bsn", "iban", "address.postal_code")
// name them directly.
type registerWorkerRequest struct {
	ClientID    string         `json:"client_id,omitempty"` // back office only; a client user's own company otherwise
	Name        nameRequest    `json:"name"`
	Email       string         `json:"email"`
	Function    string         `json:"function"`
	Language    string         `json:"language,omitempty"`
	BSN         string         `json:"bsn"`
	IBAN        string         `json:"iban"`
	DateOfBirth string         `json:"date_of_birth"`
	Address     addressRequest `json:"address"`
	Mobile      string         `json:"mobile"`
	Start       string         `json:"start"`
	End         string         `json:"end,omitempty"`
}

type placementView struct {
	ID             string  `json:"id"`
	WorkerID       string  `json:"worker_id"`
	ClientID       string  `json:"client_id"`
	IntermediaryID string  `json:"intermediary_id"`
	Function       string  `json:"function"`
	Start          string  `json:"start"`
	End            *string `json:"end"`
	Status         string  `json:"status"`
}

type workerRegisteredResponse struct {
	WorkerID    string        `json:"worker_id"`
	PlacementID string        `json:"placement_id"`
	AccountID   string        `json:"account_id"`
	Placement   placementView `json:"placement"`
	Position    string        `json:"position"`
}

// registerWorker: POST /workers (client user, back office) → 201 with the
// new placement.
func (h *handlers) registerWorker(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req registerWorkerRequest) (commands.Result, any, error) {
		dob, err := validate.ParseDate("date_of_birth", req.DateOfBirth)
		if err != nil {
			return commands.Result{}, nil, err
		}
		start, err := validate.ParseDate("start", req.Start)
		if err != nil {
			return commands.Result{}, nil, err
		}
		end, err := validate.ParseOptionalDate("end", req.End)
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, reg, err := h.Identity.Registration.RegisterWorker(ctx, meta, identity.RegisterWorker{
			ClientID: req.ClientID,
			Name:     worker.Name{First: req.Name.First, Infix: req.Name.Infix, Last: req.Name.Last},
			Email:    req.Email, Function: req.Function, Language: req.Language,
			PersonalData: worker.PersonalData{BSN: req.BSN, IBAN: req.IBAN, DateOfBirth: dob,
				Address: req.Address.toDomain(), Mobile: req.Mobile},
			Start: start, End: end,
		})
		if err != nil {
			return res, nil, err
		}
		p := reg.Placement
		view := placementView{ID: p.PlacementID, WorkerID: p.WorkerID, ClientID: p.ClientID, IntermediaryID: p.IntermediaryID,
			Function: p.Function, Start: p.Start.Format(time.DateOnly), Status: rm.StatusActive}
		if p.End != nil {
			s := p.End.Format(time.DateOnly)
			view.End = &s
			if p.End.Before(today(h.Clock())) {
				view.Status = rm.StatusEnded
			}
		}
		return res, workerRegisteredResponse{WorkerID: reg.WorkerID, PlacementID: reg.PlacementID, AccountID: reg.AccountID,
			Placement: view, Position: res.Position.String()}, nil
	}))
}

// personalView holds the personal fields the caller may receive; the
// others are absent (never empty strings that look like data).
type personalView struct {
	BSN         *string         `json:"bsn,omitempty"`
	IBAN        *string         `json:"iban,omitempty"`
	DateOfBirth *string         `json:"date_of_birth,omitempty"`
	Address     *addressRequest `json:"address,omitempty"`
	Mobile      *string         `json:"mobile,omitempty"`
}

type workerView struct {
	rm.Worker
	Personal *personalView `json:"personal_data,omitempty"`
	Erased   bool          `json:"personal_data_erased,omitempty"`
}

// getWorker: GET /workers/{id} → the worker with the personal fields the
// caller may see (account.CanSeePersonalField): all for the back office and
// the worker themself; never BSN, IBAN or address for clients and
// intermediaries.
func (h *handlers) getWorker(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, []string{rm.WorkersProjector, rm.PlacementsProjector}, func(ctx context.Context, a domain.Actor) (any, error) {
		wk, err := h.Queries.Worker(ctx, a, mux.Vars(r)["id"])
		if err != nil {
			return nil, err
		}
		out := workerView{Worker: wk}
		var pd worker.PersonalData
		err = h.Identity.Vault.Get(ctx, identity.WorkerSubject(wk.ID), &pd)
		switch {
		case errors.Is(err, identity.ErrErased):
			out.Erased = true
			return out, nil
		case errors.Is(err, identity.ErrNoPersonalData):
			return out, nil
		case err != nil:
			return nil, err
		}
		v := &personalView{}
		show := func(f account.PersonalField) bool { return account.CanSeePersonalField(a, wk.ID, f) }
		if show(account.FieldBSN) {
			v.BSN = &pd.BSN
		}
		if show(account.FieldIBAN) {
			v.IBAN = &pd.IBAN
		}
		if show(account.FieldDateOfBirth) && !pd.DateOfBirth.IsZero() {
			s := pd.DateOfBirth.Format(time.DateOnly)
			v.DateOfBirth = &s
		}
		if show(account.FieldAddress) {
			v.Address = &addressRequest{Street: pd.Address.Street, HouseNumber: pd.Address.HouseNumber,
				PostalCode: pd.Address.PostalCode, City: pd.Address.City, Country: pd.Address.Country}
		}
		if show(account.FieldMobile) {
			v.Mobile = &pd.Mobile
		}
		if *v != (personalView{}) {
			out.Personal = v
		}
		return out, nil
	})
}

type erasedResponse struct {
	Erased bool `json:"erased"`
}

// erasePersonalData: POST /workers/{id}/erase-personal-data (back office):
// crypto-shreds the worker's personal data.
func (h *handlers) erasePersonalData(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		if err := h.Identity.Tenants.ErasePersonalData(ctx, meta, mux.Vars(r)["id"]); err != nil {
			return commands.Result{}, nil, err
		}
		return commands.Result{}, erasedResponse{Erased: true}, nil
	})
}

var amsterdam = domain.Amsterdam

func today(now time.Time) time.Time { return validate.Day(now.In(amsterdam)) }
