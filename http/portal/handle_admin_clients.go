package portal

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"backoffice/domain/client"
	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
	rmid "backoffice/readmodel/identity"
)

// --- clients: list, page, registration, agreement versions, users ---

func (s *Server) handleAdminClients() http.Handler {
	return adminList(s, "clients", "admin.clients", "admin_clients", s.Admin.ClientsPage)
}

// loadClient puts the client of the path into v, its name as the title.
func (s *Server) loadClient(r *http.Request, v *view) error {
	v.Sub = "clients"
	d, err := s.Admin.Client(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	v.Title = d.Name
	v.Data = d
	return nil
}

func (s *Server) handleAdminClient() http.Handler {
	return s.page("admin", "admin.client", "admin_client", s.loadClient)
}

func (s *Server) handleInviteClientUser() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		f := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
		res, err := s.Admin.InviteClientUser(r.Context(), meta(r), id, f("email"), formLanguage(f("language")))
		if err != nil {
			v, ok := s.loaded(w, r, "admin", "admin.client", s.loadClient)
			if !ok {
				return
			}
			formValues(r, v, "email", "language")
			s.showFormError(w, r, v, "admin_client", err, fieldsOf("email"))
			return
		}
		redirectAfter(w, r, "/beheer/opdrachtgevers/"+id+"#gebruikers", res.Position, "admin_user_invited")
	})
}

func (s *Server) handleDisableClientUser(enable bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		do, flash := s.Admin.DisableClientUser, "admin_user_disabled"
		if enable {
			do, flash = s.Admin.EnableClientUser, "admin_user_enabled"
		}
		res, err := do(r.Context(), meta(r), id, mux.Vars(r)["account"])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		redirectAfter(w, r, "/beheer/opdrachtgevers/"+id+"#gebruikers", res.Position, flash)
	})
}

// agreementPage is the form of a new client (with its first agreement) or
// of a new agreement version of Client.
type agreementPage struct {
	NewClient      bool
	Client         ClientDetail
	Intermediaries []rmid.Intermediary
	Rows           []int // the hour-type rows' indexes
	RowCount       int
}

// clientFields are the new-client inputs; their names are the domain's
// error fields.
var clientFields = []string{"intermediary_id", "name", "kvk", "address.street", "address.house_number",
	"address.postal_code", "address.city", "address.country", "contact.name", "contact.email", "contact.mobile", "language"}

func (s *Server) agreementView(w http.ResponseWriter, r *http.Request, version bool) (*view, *agreementPage, bool) {
	title := "admin.client_new"
	if version {
		title = "admin.agreement_new"
	}
	v := s.newView(r, "admin", title)
	v.Sub = "clients"
	page := &agreementPage{NewClient: !version}
	var err error
	if version {
		page.Client, err = s.Admin.Client(r.Context(), actor(r), mux.Vars(r)["id"])
	} else {
		page.Intermediaries, err = s.Admin.Intermediaries(r.Context(), actor(r))
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	v.Data = page
	return v, page, true
}

func (p *agreementPage) setRows(n int) {
	n = min(max(n, 1), client.MaxHourTypes)
	p.RowCount = n
	p.Rows = make([]int, n)
	for i := range p.Rows {
		p.Rows[i] = i
	}
}

// monday is the Monday of the week of t (Amsterdam), as a date.
func monday(t time.Time) time.Time {
	d := timesheet.DateOf(t)
	day := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

func (s *Server) handleAgreementPage(version bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, page, ok := s.agreementView(w, r, version)
		if !ok {
			return
		}
		from := monday(s.Clock())
		var current *rmid.Agreement
		if version {
			current = page.Client.Agreement
			if n := len(page.Client.Upcoming); n > 0 {
				current = &page.Client.Upcoming[n-1]
			}
			from = from.AddDate(0, 0, 7)
		} else {
			v.Form.Set("address.country", "NL")
			if len(page.Intermediaries) == 1 {
				v.Form.Set("intermediary_id", page.Intermediaries[0].ID)
			}
		}
		v.Form.Set("from", from.Format(time.DateOnly))
		page.setRows(fillAgreement(v, current) + agreementRows)
		s.render(w, r, http.StatusOK, "admin_agreement", v)
	})
}

// submittedRows is how many hour-type rows the form had (its hidden
// "rows"), within bounds.
func submittedRows(r *http.Request) int {
	n, err := strconv.Atoi(r.PostForm.Get("rows"))
	if err != nil {
		return agreementRows
	}
	return min(max(n, 1), client.MaxHourTypes)
}

// againWithRows shows the form again with as many rows as were sent, and
// empty ones to add more when every row was used.
func againWithRows(page *agreementPage, sent int, used []hourTypeRow) {
	n := sent
	if len(used) == sent {
		n += agreementRows
	}
	page.setRows(n)
}

// agreementForm is a posted agreement form (a new client's or a new
// version's), parsed, with the page that shows it again.
type agreementForm struct {
	v    *view
	page *agreementPage
	ag   client.Agreement
	rows []hourTypeRow
	from time.Time
}

// postedAgreement parses the agreement form, keeping the inputs named in
// keep for a second showing; false when the request was answered: an error
// page, or the form again with the errors at their fields.
func (s *Server) postedAgreement(w http.ResponseWriter, r *http.Request, version bool, keep ...string) (agreementForm, bool) {
	v, page, ok := s.agreementView(w, r, version)
	if !ok {
		return agreementForm{}, false
	}
	sent := submittedRows(r)
	formValues(r, v, keep...)
	ag, rows, from := parseAgreement(r, v, sent)
	againWithRows(page, sent, rows)
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "admin_agreement", v)
		return agreementForm{}, false
	}
	return agreementForm{v: v, page: page, ag: ag, rows: rows, from: from}, true
}

// agreementRefused shows the agreement form again with the command's error at its
// field or row; an error no field shows fails the request.
func (s *Server) agreementRefused(w http.ResponseWriter, r *http.Request, f agreementForm, err error, fields map[string]string) {
	if !agreementError(f.v, err, f.rows, fields) {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, httpx.Status(err), "admin_agreement", f.v)
}

func (s *Server) handleRegisterClient() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := s.postedAgreement(w, r, false, clientFields...)
		if !ok {
			return
		}
		f := formValues(r, form.v)
		res, id, err := s.Admin.RegisterClient(r.Context(), meta(r), ClientInput{
			IntermediaryID: f("intermediary_id"), Name: f("name"), KvK: f("kvk"),
			Address: client.Address{Street: f("address.street"), HouseNumber: f("address.house_number"),
				PostalCode: f("address.postal_code"), City: f("address.city"), Country: f("address.country")},
			Contact: client.Contact{Name: f("contact.name"), Email: f("contact.email")}, Mobile: f("contact.mobile"),
			Language: formLanguage(f("language")), From: form.from, Agreement: form.ag,
		})
		if err != nil {
			fields := fieldsOf(clientFields...)
			for k, x := range agreementErrorFields {
				fields[k] = x
			}
			s.agreementRefused(w, r, form, err, fields)
			return
		}
		redirectAfter(w, r, "/beheer/opdrachtgevers/"+id, res.Position, "admin_client_registered")
	})
}

func (s *Server) handleChangeAgreement() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := s.postedAgreement(w, r, true)
		if !ok {
			return
		}
		id := form.page.Client.ID
		res, err := s.Admin.ChangeAgreement(r.Context(), meta(r), id, form.from, form.ag)
		if err != nil {
			s.agreementRefused(w, r, form, err, agreementErrorFields)
			return
		}
		redirectAfter(w, r, "/beheer/opdrachtgevers/"+id+"#afspraken", res.Position, "admin_agreement_saved")
	})
}

// clientEditFields are the inputs of the client's details form.
var clientEditFields = []string{"name", "kvk", "address.street", "address.house_number",
	"address.postal_code", "address.city", "address.country", "contact.name", "contact.email", "language"}

// loadClientEdit is loadClient for the client's details form.
func (s *Server) loadClientEdit(r *http.Request, v *view) error {
	if err := s.loadClient(r, v); err != nil {
		return err
	}
	v.Title = v.T("admin.client_edit")
	return nil
}

func (s *Server) handleClientEditPage() http.Handler {
	return s.page("admin", "admin.client_edit", "admin_client_edit", func(r *http.Request, v *view) error {
		if err := s.loadClientEdit(r, v); err != nil {
			return err
		}
		c := v.Data.(ClientDetail)
		for k, x := range map[string]string{"name": c.Name, "kvk": c.KvK, "address.street": c.Address.Street,
			"address.house_number": c.Address.HouseNumber, "address.postal_code": c.Address.PostalCode,
			"address.city": c.Address.City, "address.country": c.Address.Country,
			"contact.name": c.Contact.Name, "contact.email": c.Contact.Email} {
			v.Form.Set(k, x)
		}
		return nil
	})
}

func (s *Server) handleClientEdit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.loaded(w, r, "admin", "admin.client_edit", s.loadClientEdit)
		if !ok {
			return
		}
		id := v.Data.(ClientDetail).ID
		f := formValues(r, v, clientEditFields...)
		res, err := s.Admin.ChangeClientDetails(r.Context(), meta(r), id, ClientInput{Name: f("name"), KvK: f("kvk"),
			Address: client.Address{Street: f("address.street"), HouseNumber: f("address.house_number"),
				PostalCode: f("address.postal_code"), City: f("address.city"), Country: f("address.country")},
			Contact: client.Contact{Name: f("contact.name"), Email: f("contact.email")}, Language: formLanguage(f("language"))})
		if err != nil {
			s.showFormError(w, r, v, "admin_client_edit", err, fieldsOf(clientEditFields...))
			return
		}
		redirectAfter(w, r, "/beheer/opdrachtgevers/"+id, res.Position, "admin_client_saved")
	})
}
