package portal

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
	"backoffice/domain/worker"
	rmid "backoffice/readmodel/identity"
)

type workersPage struct {
	Placements  []Placement
	CanRegister bool
	CanEnd      bool // the back office and the intermediary end placements
	// CanChange: the back office and the client place a worker again and
	// correct a placement (handle_placement_change.go).
	CanChange bool
	// Ended: the list shows the ended placements (?status=beeindigd), which
	// the back office, the intermediary and the client can ask for
	// (CanSeeEnded): the client to place a former worker again.
	Ended       bool
	CanSeeEnded bool
	// Search is the name searched for (?zoek=); Pager the pages.
	Search string
	Pager  pager
}

// endedParam is the list's query value for the ended placements.
const endedParam = "beeindigd"

// searchText is a name search as the list takes it: trimmed, at most
// maxSearch characters (the input's maxlength; a longer one is cut).
func searchText(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxSearch {
		s = string(r[:maxSearch])
	}
	return s
}

const maxSearch = 100

// workersPageSize is the rows of one page of Werknemers.
const workersPageSize = 100

// canSeeEnded: who may list ended placements: those who end them and
// those who place a worker again (the query keeps each to its own).
func canSeeEnded(a domain.Actor) bool { return canEndPlacement(a) || canChangePlacements(a) }

// canRegister: registering workers is the client's screen (and the back
// office's).
func canRegister(a domain.Actor) bool { return a.Is(domain.RoleClient, domain.RoleBackoffice) }

func (s *Server) handleWorkers() http.Handler {
	return s.page("workers", "workers.title", "workers", func(r *http.Request, v *view) error {
		a := actor(r)
		ended := canSeeEnded(a) && r.URL.Query().Get("status") == endedParam
		f := rmid.PlacementFilter{Status: rmid.StatusActive, Search: searchText(r.URL.Query().Get("zoek"))}
		if ended {
			f.Status = rmid.StatusEnded
		}
		page, err := pageRequest(r, workersPageSize)
		if err != nil {
			return err
		}
		ps, next, err := s.Workers.PlacementsPage(r.Context(), a, f, page)
		v.Data = workersPage{Placements: ps, CanRegister: canRegister(a), CanEnd: canEndPlacement(a), CanChange: canChangePlacements(a), Ended: ended,
			CanSeeEnded: canSeeEnded(a),
			Search:      f.Search, Pager: v.offsetPager(r, page, next)}
		return err
	})
}

func (s *Server) handleRegisterPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !canRegister(actor(r)) {
			s.fail(w, r, domain.Forbidden("register_not_allowed", "Only the client can register workers.", "Alleen de opdrachtgever kan werknemers inschrijven."))
			return
		}
		v := s.newView(r, "workers", "register.title")
		v.Form.Set("address.country", "NL")
		clients, err := s.Workers.Clients(r.Context(), actor(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Data = registerPage(v, clients)
		s.render(w, r, http.StatusOK, "register", v)
	})
}

// registerField is one input of the registration form. Name is the
// domain's error field, so an error lands next to its input.
type registerField struct {
	Name, Label, Type, Autocomplete string
	Required                        bool
}

// registerGroups are the form's fieldsets and inputs, in screen order: the
// one list the template, the required check and the error summary use.
var registerGroups = []struct {
	Legend string
	Fields []registerField
}{
	{"register.person", []registerField{
		{"name.first", "register.first", "text", "given-name", true},
		{"name.infix", "register.infix", "text", "", false},
		{"name.last", "register.last", "text", "family-name", true},
		{"date_of_birth", "register.dob", "date", "bday", true},
		{"bsn", "register.bsn", "text", "off", true},
		{"iban", "register.iban", "text", "off", true},
	}},
	{"register.contact", []registerField{
		{"email", "field.email", "email", "email", true},
		{"mobile", "register.mobile", "tel", "tel", true},
		{"address.street", "register.street", "text", "address-line1", true},
		{"address.house_number", "register.house_number", "text", "", true},
		{"address.postal_code", "register.postal_code", "text", "postal-code", true},
		{"address.city", "register.city", "text", "address-level2", true},
		{"address.country", "register.country", "text", "country", false},
	}},
	{"register.placement", []registerField{
		{"function", "workers.function", "text", "", true},
		{"start", "register.start", "date", "", true},
		{"end", "register.end", "date", "", false},
	}},
}

// registerFields are the names of the form's inputs.
var registerFields = func() []string {
	var out []string
	for _, g := range registerGroups {
		for _, f := range g.Fields {
			out = append(out, f.Name)
		}
	}
	return out
}()

type registerGroupView struct {
	Client *clientChoice // on the placement's fieldset, for the back office
	Legend string
	Inputs []inputView
}

// registerFormView is the registration form with its values and errors,
// and the summary of those errors for the top of the page.
type registerFormView struct {
	Groups  []registerGroupView
	Summary []inputView // the inputs with an error, in screen order
}

// clientChoice is the select of the client a worker is placed at.
type clientChoice struct {
	Input   inputView
	Options []ClientOption
}

// registerClientField is the select's name: the domain's error field.
const registerClientField = "client_id"

func registerPage(v *view, clients []ClientOption) registerFormView {
	var p registerFormView
	for _, g := range registerGroups {
		gv := registerGroupView{Legend: v.T(g.Legend)}
		if clients != nil && g.Legend == "register.placement" {
			in := v.Input(registerClientField, "workers.client", "select", "", true)
			gv.Client = &clientChoice{Input: in, Options: clients}
			if in.Err != "" {
				p.Summary = append(p.Summary, in)
			}
		}
		for _, f := range g.Fields {
			in := v.Input(f.Name, f.Label, f.Type, f.Autocomplete, f.Required)
			gv.Inputs = append(gv.Inputs, in)
			if in.Err != "" {
				p.Summary = append(p.Summary, in)
			}
		}
		p.Groups = append(p.Groups, gv)
	}
	return p
}

func parseRegistration(r *http.Request, v *view) Registration {
	f := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	// Every empty required field at once, each at its input.
	for _, g := range registerGroups {
		for _, fd := range g.Fields {
			if fd.Required && f(fd.Name) == "" {
				v.Errors[fd.Name] = v.T("register.required")
			}
		}
	}
	date := func(k string) *time.Time {
		s := f(k)
		if s == "" {
			return nil
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || t.IsZero() { // 0001-01-01 would read as "missing" further on
			v.Errors[k] = v.T("register.date_invalid")
			return nil
		}
		return &t
	}
	in := Registration{
		Name:     worker.Name{First: f("name.first"), Infix: f("name.infix"), Last: f("name.last")},
		Email:    f("email"),
		Function: f("function"),
		Personal: worker.PersonalData{
			BSN: f("bsn"), IBAN: f("iban"), Mobile: f("mobile"),
			Address: worker.Address{Street: f("address.street"), HouseNumber: f("address.house_number"),
				PostalCode: f("address.postal_code"), City: f("address.city"), Country: f("address.country")},
		},
	}
	if d := date("date_of_birth"); d != nil {
		in.Personal.DateOfBirth = *d
	}
	if d := date("start"); d != nil {
		in.Start = *d
	}
	in.End = date("end")
	return in
}

func (s *Server) handleRegister() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// As the form page: a crafted POST by a worker or intermediary is
		// refused before the form is checked, not answered with the form.
		if !canRegister(actor(r)) {
			s.fail(w, r, domain.Forbidden("register_not_allowed", "Only the client can register workers.", "Alleen de opdrachtgever kan werknemers inschrijven."))
			return
		}
		v := s.newView(r, "workers", "register.title")
		for _, k := range registerFields {
			v.Form.Set(k, r.PostForm.Get(k))
		}
		clients, err := s.Workers.Clients(r.Context(), actor(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		in := parseRegistration(r, v)
		fields := fieldsOf(registerFields...)
		if clients != nil {
			// The back office places the worker at the client it chose.
			in.ClientID = strings.TrimSpace(r.PostForm.Get(registerClientField))
			v.Form.Set(registerClientField, in.ClientID)
			fields[registerClientField] = registerClientField
			if in.ClientID == "" {
				v.Errors[registerClientField] = v.T("register.client_required")
			}
		}
		if len(v.Errors) > 0 {
			// The domain's checks of what was filled in, so a too long
			// name shows now, not after the empty fields are filled.
			v.moreFormErrors(worker.Register{Name: in.Name, Email: in.Email, Function: in.Function,
				PersonalData: in.Personal, Start: in.Start}.Check(validate.Today(s.Clock())), fields)
			v.Data = registerPage(v, clients)
			s.render(w, r, http.StatusUnprocessableEntity, "register", v)
			return
		}
		res, err := s.Workers.Register(r.Context(), meta(r), in)
		if err != nil {
			if status, ok := s.formStatus(w, r, v, err, fields, 0); ok {
				v.moreFormErrors(err, fields)     // every wrong field at once
				v.Data = registerPage(v, clients) // after the errors are at their fields: the summary lists them
				s.render(w, r, status, "register", v)
			}
			return
		}
		redirectAfter(w, r, "/werknemers", res.Position, "registered")
	})
}

// moreFormErrors puts each field error in err (one, or several joined) at
// its input, leaving an input that shows an error already as it is.
func (v *view) moreFormErrors(err error, fields map[string]string) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			v.moreFormErrors(e, fields)
		}
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		return
	}
	if f, ok := fields[de.Field]; ok && de.Field != "" {
		if _, shown := v.Errors[f]; !shown {
			v.formError(de, fields)
		}
	}
}

// handleOutbox lists the demo outbox. It holds everyone's activation and
// reset links, so only back office may read it (demo users log in as the
// printed back-office user to follow links).
func (s *Server) handleOutbox() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !actor(r).Is(domain.RoleBackoffice) {
			s.fail(w, r, domain.NotFound("page_not_found", "This page does not exist.", "Deze pagina bestaat niet."))
			return
		}
		v := s.newView(r, "outbox", "outbox.title")
		msgs, err := s.Outbox.Messages(r.Context(), 100)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Data = msgs
		s.render(w, r, http.StatusOK, "outbox", v)
	})
}
