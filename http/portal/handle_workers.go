package portal

import (
	"net/http"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/worker"
	"backoffice/http/httpx"
)

type workersPage struct {
	Placements  []Placement
	CanRegister bool
}

// canRegister: registering workers is the client's screen (and the back
// office's).
func canRegister(a domain.Actor) bool { return a.Is(domain.RoleClient, domain.RoleBackoffice) }

func (s *Server) handleWorkers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "workers", "workers.title")
		a := actor(r)
		ps, err := s.Workers.Placements(r.Context(), a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Data = workersPage{Placements: ps, CanRegister: canRegister(a)}
		s.render(w, r, http.StatusOK, "workers", v)
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
		s.render(w, r, http.StatusOK, "register", v)
	})
}

// registerFields are the form's fields; their names are the domain's error
// fields, so an error lands next to its input.
var registerFields = []string{
	"name.first", "name.infix", "name.last", "date_of_birth", "bsn", "iban", "email", "mobile",
	"address.street", "address.house_number", "address.postal_code", "address.city", "address.country",
	"function", "start", "end",
}

func parseRegistration(r *http.Request, v *view) Registration {
	f := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	date := func(k string, required bool) *time.Time {
		s := f(k)
		if s == "" {
			if required {
				v.Errors[k] = v.T("register.required")
			}
			return nil
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
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
	if d := date("date_of_birth", true); d != nil {
		in.Personal.DateOfBirth = *d
	}
	if d := date("start", true); d != nil {
		in.Start = *d
	}
	in.End = date("end", false)
	return in
}

func (s *Server) handleRegister() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(r, "workers", "register.title")
		for _, k := range registerFields {
			v.Form.Set(k, r.PostForm.Get(k))
		}
		in := parseRegistration(r, v)
		if len(v.Errors) > 0 {
			s.render(w, r, http.StatusUnprocessableEntity, "register", v)
			return
		}
		res, err := s.Workers.Register(r.Context(), meta(r), in)
		if err != nil {
			fields := map[string]string{}
			for _, k := range registerFields {
				fields[k] = k
			}
			if !v.formError(err, fields) {
				s.fail(w, r, err)
				return
			}
			s.render(w, r, httpx.Status(err), "register", v)
			return
		}
		redirectAfter(w, r, "/werknemers", res.Position, "registered")
	})
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
