package identityapi

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/validate"
	"backoffice/http/api"
	rm "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

type contactRequest struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Mobile string `json:"mobile,omitempty"`
}

type registerIntermediaryRequest struct {
	Name     string         `json:"name"`
	KvK      string         `json:"kvk"`
	Contact  contactRequest `json:"contact"`
	Language string         `json:"language"`
}

type registeredResponse struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Position  string `json:"position"`
}

// registered answers a registration: the new ID and its contact's account.
func registered(res commands.Result, reg identity.Registered, err error) (commands.Result, any, error) {
	if err != nil {
		return res, nil, err
	}
	return res, registeredResponse{ID: reg.ID, AccountID: reg.AccountID, Position: res.Position.String()}, nil
}

// registerIntermediary: POST /intermediaries (back office) → 201.
func (h *handlers) registerIntermediary(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req registerIntermediaryRequest) (commands.Result, any, error) {
		res, reg, err := h.Identity.Registration.RegisterIntermediary(ctx, meta, identity.RegisterIntermediary{
			Name: req.Name, KvK: req.KvK, Language: req.Language,
			Contact: intermediary.Contact{Name: req.Contact.Name, Email: req.Contact.Email},
		})
		return registered(res, reg, err)
	}))
}

type hourTypeRequest struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	Absence    bool   `json:"absence,omitempty"`
}

type agreementRequest struct {
	HourTypes        []hourTypeRequest `json:"hour_types"`
	NormalHourType   string            `json:"normal_hour_type"`
	EnteredBy        string            `json:"entered_by"`
	ApprovalChain    []string          `json:"approval_chain"`
	TimeRegistration bool              `json:"time_registration"`
	Allowances       struct {
		PerDayCents  int64 `json:"per_day_cents"`
		PerHourCents int64 `json:"per_hour_cents"`
	} `json:"allowances"`
	BillingRates map[string]int64 `json:"billing_rates,omitempty"`
}

func (a agreementRequest) toDomain() client.Agreement {
	out := client.Agreement{
		NormalHourType:   a.NormalHourType,
		EnteredBy:        domain.Role(a.EnteredBy),
		TimeRegistration: a.TimeRegistration,
		Allowances:       client.Allowances{PerDayCents: a.Allowances.PerDayCents, PerHourCents: a.Allowances.PerHourCents},
		BillingRates:     a.BillingRates,
	}
	for _, h := range a.HourTypes {
		out.HourTypes = append(out.HourTypes, client.HourType{Code: h.Code, Name: h.Name, Percentage: h.Percentage, Absence: h.Absence})
	}
	for _, r := range a.ApprovalChain {
		out.ApprovalChain = append(out.ApprovalChain, domain.Role(r))
	}
	return out
}

type addressRequest struct {
	Street      string `json:"street"`
	HouseNumber string `json:"house_number"`
	PostalCode  string `json:"postal_code"`
	City        string `json:"city"`
	Country     string `json:"country"`
}

func (a addressRequest) toDomain() validate.Address {
	return validate.Address{Street: a.Street, HouseNumber: a.HouseNumber, PostalCode: a.PostalCode, City: a.City, Country: a.Country}
}

type registerClientRequest struct {
	IntermediaryID string           `json:"intermediary_id"`
	Name           string           `json:"name"`
	KvK            string           `json:"kvk"`
	Address        addressRequest   `json:"address"`
	Contact        contactRequest   `json:"contact"`
	Language       string           `json:"language"`
	AgreementFrom  string           `json:"agreement_from"`
	Agreement      agreementRequest `json:"agreement"`
}

// registerClient: POST /clients (back office) → 201.
func (h *handlers) registerClient(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req registerClientRequest) (commands.Result, any, error) {
		from, err := validate.ParseDate("agreement_from", req.AgreementFrom)
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, reg, err := h.Identity.Registration.RegisterClient(ctx, meta, identity.RegisterClient{
			IntermediaryID:  req.IntermediaryID,
			Name:            req.Name,
			KvK:             req.KvK,
			Address:         req.Address.toDomain(),
			Contact:         client.Contact{Name: req.Contact.Name, Email: req.Contact.Email},
			ContactPersonal: client.ContactPersonalData{Mobile: req.Contact.Mobile},
			AgreementFrom:   from,
			Agreement:       req.Agreement.toDomain(),
			Language:        req.Language,
		})
		return registered(res, reg, err)
	}))
}

type changeAgreementRequest struct {
	EffectiveFrom string           `json:"effective_from"`
	Agreement     agreementRequest `json:"agreement"`
}

// changeAgreement: POST /clients/{id}/agreement (back office) → 200.
func (h *handlers) changeAgreement(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req changeAgreementRequest) (commands.Result, any, error) {
		from, err := validate.ParseDate("effective_from", req.EffectiveFrom)
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, err := h.Identity.Tenants.ChangeAgreement(ctx, meta, mux.Vars(r)["id"], from, req.Agreement.toDomain())
		return res, nil, err
	}))
}

// listResponse wraps collections: {"items": [...]}, never null.
type listResponse[T any] struct {
	Items []T `json:"items"`
}

func list[T any](items []T) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	return listResponse[T]{Items: items}
}

// queryList is the GET of a paged collection: one page (limit, cursor;
// readmodel/paging) of what page returns for the caller, once projector has
// passed the request's min_position.
func queryList[T any](s *api.Server, projector string, page func(context.Context, domain.Actor, paging.Request) (rm.Page[T], error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, []string{projector}, func(ctx context.Context, a domain.Actor) (any, error) {
			req, err := paging.Parse(r.URL.Query().Get("limit"), r.URL.Query().Get("cursor"))
			if err != nil {
				return nil, err
			}
			return page(ctx, a, req)
		})
	}
}
